package org.pimllm.ir;

import java.util.List;

/** The type of a tuple: one type per field. Printed as {@code (T1, T2)}; a 1-tuple as {@code (T1,)}. */
public record TupleType(List<Type> fields) implements Type {

    public TupleType {
        fields = List.copyOf(fields);
    }

    public static TupleType of(Type... fields) { return new TupleType(List.of(fields)); }

    public Type field(int i) { return fields.get(i); }

    public int size() { return fields.size(); }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) sb.append(", ");
            sb.append(fields.get(i));
        }
        if (fields.size() == 1) sb.append(',');
        return sb.append(')').toString();
    }
}

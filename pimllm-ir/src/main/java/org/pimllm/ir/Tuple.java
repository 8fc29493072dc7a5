package org.pimllm.ir;

import java.util.ArrayList;
import java.util.List;

/** A tuple of expressions. */
public record Tuple(List<Expr> fields, TupleType type) implements Expr {

    public Tuple {
        fields = List.copyOf(fields);
        if (type == null) {
            List<Type> ts = new ArrayList<>(fields.size());
            for (Expr f : fields) ts.add(f.type());
            type = new TupleType(ts);
        }
    }

    public Tuple(List<Expr> fields) { this(fields, null); }

    public static Tuple of(Expr... fields) { return new Tuple(List.of(fields)); }

    public Expr field(int i) { return fields.get(i); }

    public int size() { return fields.size(); }

    @Override
    public boolean equals(Object o) { return this == o; }

    @Override
    public int hashCode() { return System.identityHashCode(this); }

    @Override
    public String toString() { return "Tuple(" + fields.size() + " fields): " + type; }
}

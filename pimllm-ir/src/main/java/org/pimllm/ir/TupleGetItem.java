package org.pimllm.ir;

import java.util.Objects;

/** Field {@code index} of a tuple-typed expression. Printed as {@code %t.1}. */
public record TupleGetItem(Expr tuple, int index, Type type) implements Expr {

    public TupleGetItem {
        Objects.requireNonNull(tuple, "tuple");
        if (!(tuple.type() instanceof TupleType tt)) {
            throw new TypeCheckException("tuple field ." + index + " taken from an expression of type "
                    + tuple.type() + ", which is not a tuple");
        }
        if (index < 0 || index >= tt.size()) {
            throw new TypeCheckException("tuple field ." + index + " is out of range for " + tt
                    + " (" + tt.size() + " fields)");
        }
        if (type == null) type = tt.field(index);
    }

    public TupleGetItem(Expr tuple, int index) { this(tuple, index, null); }

    @Override
    public boolean equals(Object o) { return this == o; }

    @Override
    public int hashCode() { return System.identityHashCode(this); }

    @Override
    public String toString() { return "TupleGetItem(." + index + "): " + type; }
}

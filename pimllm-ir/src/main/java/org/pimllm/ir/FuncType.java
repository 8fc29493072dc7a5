package org.pimllm.ir;

import java.util.List;

/** The type of a function. Printed as {@code fn (T1, T2) -> R}. */
public record FuncType(List<Type> params, Type ret) implements Type {

    public FuncType {
        params = List.copyOf(params);
        if (ret == null) throw new IllegalArgumentException("function type needs a return type");
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("fn (");
        for (int i = 0; i < params.size(); i++) {
            if (i > 0) sb.append(", ");
            sb.append(params.get(i));
        }
        return sb.append(") -> ").append(ret).toString();
    }
}

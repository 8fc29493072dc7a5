package org.pimllm.ir;

import java.util.Objects;

/**
 * A variable: a function parameter. Identity matters: two vars with the same name are
 * different variables. The name is only a hint for printing.
 */
public record Var(String name, Type type) implements Expr {

    public Var {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "a variable needs a type annotation");
    }

    @Override
    public boolean equals(Object o) { return this == o; }

    @Override
    public int hashCode() { return System.identityHashCode(this); }

    @Override
    public String toString() { return "%" + name + ": " + type; }
}

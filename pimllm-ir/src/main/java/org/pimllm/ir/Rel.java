package org.pimllm.ir;

import java.util.List;

/** The argument types of one call being type-checked, with helpers that give errors naming the op and the argument. */
public final class Rel {
    private final Op op;
    private final List<Type> args;

    Rel(Op op, List<Type> args) {
        this.op = op;
        this.args = args;
    }

    public Op op() { return op; }

    public int size() { return args.size(); }

    public Type arg(int i) { return args.get(i); }

    public List<Type> args() { return args; }

    /** Name of argument {@code i} as declared by the op ({@code data}, {@code weight}, ...). */
    public String argName(int i) { return op.argName(i); }

    /** Argument {@code i} as a tensor type, or an error naming the op and argument. */
    public TensorType tensor(int i) {
        Type t = args.get(i);
        if (t instanceof TensorType tt) return tt;
        throw fail("argument '" + argName(i) + "' must be a tensor, got " + t);
    }

    /** Argument {@code i} as a tensor of a floating-point dtype. */
    public TensorType floatTensor(int i) {
        TensorType t = tensor(i);
        if (!t.dtype().isFloat()) {
            throw fail("argument '" + argName(i) + "' must have a floating-point dtype, got " + t);
        }
        return t;
    }

    /** Argument {@code i} as a tensor of an integer dtype. */
    public TensorType intTensor(int i) {
        TensorType t = tensor(i);
        if (!t.dtype().isInt()) {
            throw fail("argument '" + argName(i) + "' must have an integer dtype, got " + t);
        }
        return t;
    }

    /** Axis normalized to [0, rank); negative axes count from the end. */
    public int axis(int axis, int rank, String attrName) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw fail(attrName + "=" + axis + " is out of range for rank " + rank + " (valid: " + (-rank) + ".." + (rank - 1) + ")");
        }
        return a;
    }

    /** A type error whose message starts with the op name. */
    public TypeCheckException fail(String message) {
        return new TypeCheckException(op.name() + ": " + message);
    }
}

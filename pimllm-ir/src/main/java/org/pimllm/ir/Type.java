package org.pimllm.ir;

/**
 * The type of an expression: a tensor, a tuple of types, or a function.
 * Types are values (record equality); {@link #toString()} gives the text form.
 */
public sealed interface Type permits TensorType, TupleType, FuncType {

    /** This type as a tensor type, or an error naming what it is instead. */
    default TensorType asTensor() {
        if (this instanceof TensorType t) return t;
        throw new TypeCheckException("expected a tensor type but got " + this);
    }
}

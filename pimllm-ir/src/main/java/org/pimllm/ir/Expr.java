package org.pimllm.ir;

/**
 * An expression of the graph IR. Nodes are immutable records; a graph is a DAG in which a
 * node used twice is the same object.
 *
 * <p><b>Equality is identity.</b> Every node overrides {@code equals}/{@code hashCode} with
 * object identity (as TVM's ObjectRef does): record equality would walk the DAG once per path,
 * which is exponential in the depth of residual networks, and two distinct {@link Var}s must
 * stay distinct. Compare graphs with {@link StructuralEqual}, hash them with {@link StructuralHash}.
 *
 * <p>Every node knows its type ({@link #type()}): calls infer it from their arguments when
 * they are built, so a type error surfaces where the bad node is created.
 */
public sealed interface Expr permits Var, Constant, Call, Tuple, TupleGetItem, Function {

    /** The checked type of this expression. */
    Type type();

    /** The type as a tensor type, or an error saying what it is instead. */
    default TensorType tensorType() {
        if (type() instanceof TensorType t) return t;
        throw new TypeCheckException("expected a tensor-typed expression but got one of type " + type());
    }

    /** Shape of a tensor-typed expression. */
    default java.util.List<Integer> shape() { return tensorType().shape(); }

    /** Element type of a tensor-typed expression. */
    default DType dtype() { return tensorType().dtype(); }
}

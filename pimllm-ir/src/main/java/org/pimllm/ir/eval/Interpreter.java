package org.pimllm.ir.eval;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.pimllm.ir.Call;
import org.pimllm.ir.Constant;
import org.pimllm.ir.Expr;
import org.pimllm.ir.ExprVisitor;
import org.pimllm.ir.Function;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.Tuple;
import org.pimllm.ir.TupleGetItem;
import org.pimllm.ir.Var;

/**
 * The evaluator of the IR: computes a function node by node with each op's compute function ({@link org.pimllm.ir.Op#compute()},
 * built-in ones in {@link OpSemantics}) on the given {@link HostKernels}. It is the only evaluator: constant folding,
 * calibration and the ONNX importer use {@link #reference()} ({@link ScalarKernels}); the runtime's reference
 * executor does too, and a compiled module runs its host ops through one with the Vector API kernels, which give the
 * same bits.
 *
 * @see org.pimllm.ir.Op#compute()
 */
public final class Interpreter {

    private static final Interpreter REFERENCE = new Interpreter(ScalarKernels.INSTANCE);

    private final HostKernels kernels;
    private final java.util.function.Function<Constant, Tensor> constants;

    /** An evaluator whose hot loops run on {@code kernels}; constants are read with {@link Constant#data()}. */
    public Interpreter(HostKernels kernels) {
        this(kernels, Constant::data);
    }

    /** An evaluator that reads constants' data through {@code constants} (e.g. a cache shared between modules). */
    public Interpreter(HostKernels kernels, java.util.function.Function<Constant, Tensor> constants) {
        this.kernels = java.util.Objects.requireNonNull(kernels);
        this.constants = java.util.Objects.requireNonNull(constants);
    }

    /** The reference evaluator: the scalar kernels. */
    public static Interpreter reference() { return REFERENCE; }

    public HostKernels kernels() { return kernels; }

    // ---- with the reference kernels ----

    /** Runs {@code @main} on the given inputs (one per parameter, in order). */
    public static Value run(IRModule m, List<Tensor> inputs) {
        return run(m.main(), inputs);
    }

    public static Value run(Function f, List<Tensor> inputs) {
        if (inputs.size() != f.params().size()) {
            throw new IllegalArgumentException("the function takes " + f.params().size() + " inputs but " + inputs.size() + " were given");
        }
        Map<Expr, Value> env = new IdentityHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            Var p = f.params().get(i);
            Tensor t = inputs.get(i);
            if (!t.type().equals(p.type())) {
                throw new IllegalArgumentException("input " + i + " (%" + p.name() + ") must be " + p.type() + " but is " + t.type());
            }
            env.put(p, Value.of(t));
        }
        return REFERENCE.evaluate(f.body(), env);
    }

    /** {@link #evaluate} with the reference kernels. */
    public static Value eval(Expr e, Map<Expr, Value> env) {
        return REFERENCE.evaluate(e, env);
    }

    /** The value of one call on tensor arguments, with the reference kernels (constant folding). */
    public static Value compute(Call c, List<Tensor> args) {
        return REFERENCE.applyTensors(c, args);
    }

    // ---- with this evaluator's kernels ----

    /**
     * Evaluates {@code e} with the given values for its free variables (others are an error).
     * Values computed for shared nodes are reused.
     */
    public Value evaluate(Expr e, Map<Expr, Value> env) {
        Map<Expr, Value> memo = new IdentityHashMap<>(env);
        for (Expr n : ExprVisitor.postOrder(e)) {
            if (!memo.containsKey(n)) memo.put(n, node(n, memo));
        }
        return memo.get(e);
    }

    /**
     * The value of one node from the values of its operands (computed before it in post order): a constant's data,
     * a call's result, a tuple of field values, a tuple field. Free variables and nested functions are errors.
     */
    public Value node(Expr n, Map<Expr, Value> values) {
        return switch (n) {
            case Var var -> throw new IllegalArgumentException("no value for variable %" + var.name());
            case Constant c -> Value.of(constants.apply(c));
            case Call c -> apply(c, argValues(c.args(), values));
            case Tuple t -> new Value.TupleValue(argValues(t.fields(), values));
            case TupleGetItem g -> {
                Value v = values.get(g.tuple());
                if (!(v instanceof Value.TupleValue(List<Value> fs))) {
                    throw new IllegalStateException("tuple field ." + g.index() + " of a tensor value");
                }
                yield fs.get(g.index());
            }
            case Function f -> throw new IllegalArgumentException("nested functions are not evaluated; inline them first");
        };
    }

    /** The value of {@code c} given its argument values: the op's compute function, checked against the call's type. */
    public Value apply(Call c, List<Value> args) {
        List<Tensor> ts = new ArrayList<>(args.size());
        for (int i = 0; i < args.size(); i++) {
            if (!(args.get(i) instanceof Value.TensorValue(Tensor t))) {
                throw new IllegalArgumentException(c.op().name() + ": argument " + c.op().argName(i) + " is a tuple, expected a tensor");
            }
            ts.add(t);
        }
        return applyTensors(c, ts);
    }

    private Value applyTensors(Call c, List<Tensor> args) {
        Value out = c.op().compute().apply(c, args, kernels);
        if (out instanceof Value.TensorValue(Tensor t) && !t.type().equals(c.type())) {
            throw new IllegalStateException("compute of " + c.op().name() + " returned " + t.type() + " but the call has type " + c.type());
        }
        return out;
    }

    private static List<Value> argValues(List<Expr> args, Map<Expr, Value> values) {
        List<Value> out = new ArrayList<>(args.size());
        for (Expr a : args) {
            Value v = values.get(a);
            if (v == null) throw new IllegalStateException("operand " + a.getClass().getSimpleName() + " has no value yet");
            out.add(v);
        }
        return out;
    }
}

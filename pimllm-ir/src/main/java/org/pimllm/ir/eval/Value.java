package org.pimllm.ir.eval;

import java.util.List;
import org.pimllm.ir.Tensor;

/** A run-time value: a tensor or a tuple of values. */
public sealed interface Value {

    record TensorValue(Tensor tensor) implements Value {
    }

    record TupleValue(List<Value> fields) implements Value {
        public TupleValue {
            fields = List.copyOf(fields);
        }
    }

    static Value of(Tensor t) { return new TensorValue(t); }

    static Value tuple(List<Tensor> ts) {
        return new TupleValue(ts.stream().map(Value::of).toList());
    }

    /** The tensor, or an error if this is a tuple. */
    default Tensor tensor() {
        if (this instanceof TensorValue(Tensor t)) return t;
        throw new IllegalStateException("expected a tensor value but got a tuple of " + ((TupleValue) this).fields().size());
    }
}

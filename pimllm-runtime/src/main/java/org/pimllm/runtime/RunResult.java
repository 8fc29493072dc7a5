package org.pimllm.runtime;

import java.util.List;
import org.pimllm.ir.Tensor;

/**
 * Outputs of one inference and its report. In TIMING_ONLY mode no data is computed and {@code outputs} is empty.
 *
 * @param outputs the result tensors (a tuple result flattened in order)
 * @param report  simulated time, per op and by category
 */
public record RunResult(List<Tensor> outputs, RunReport report) {

    public RunResult {
        outputs = List.copyOf(outputs);
    }

    /** The single output; an error if there is none (TIMING_ONLY) or several. */
    public Tensor output() {
        if (outputs.size() != 1) {
            throw new IllegalStateException(outputs.isEmpty()
                    ? "no outputs: the module ran in TIMING_ONLY mode (compile with Mode.FUNCTIONAL for data)"
                    : "the module has " + outputs.size() + " outputs; use outputs()");
        }
        return outputs.getFirst();
    }
}

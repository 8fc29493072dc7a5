package org.pimllm.passes;

import org.pimllm.ir.IRModule;

/**
 * Hooks around every pass a {@link PassContext} runs (TVM's PassInstrument): timing, IR dumps,
 * checks. Instruments observe; they do not change the module.
 */
public interface PassInstrument {

    /** Called before {@code pass} runs on {@code module}. */
    default void runBeforePass(IRModule module, PassInfo pass) {
    }

    /** Called after {@code pass} produced {@code result}. */
    default void runAfterPass(IRModule result, PassInfo pass) {
    }

    /** Called when a pass is skipped (disabled, opt level too low, or a requirement disabled). */
    default void passSkipped(PassInfo pass, String reason) {
    }
}

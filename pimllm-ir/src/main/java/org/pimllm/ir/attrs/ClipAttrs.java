package org.pimllm.ir.attrs;

import org.pimllm.ir.Attrs;

/** {@code clip}: min(max(x, aMin), aMax). */
public record ClipAttrs(double aMin, double aMax) implements Attrs {
}

package org.pimllm.passes;

import java.util.List;
import java.util.Objects;

/**
 * What the pass infrastructure knows about a pass (TVM's PassInfo): its name (used to disable it),
 * the opt level from which it runs by default, and the passes that must have run before it.
 *
 * @param name     unique pass name, e.g. {@code "FoldConstant"}
 * @param optLevel the pass runs when the context's opt level is at least this
 * @param required names of passes that must run before this one (run on demand if missing)
 */
public record PassInfo(String name, int optLevel, List<String> required) {
    public PassInfo {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[A-Za-z][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("pass name '" + name + "' must be an identifier");
        }
        if (optLevel < 0) throw new IllegalArgumentException("pass " + name + ": opt level must be >= 0, got " + optLevel);
        required = List.copyOf(required);
    }
}

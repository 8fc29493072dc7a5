package org.pimllm.passes;

import java.util.Objects;

/**
 * A typed pass option (Graal's {@code OptionKey}): a name for messages and dumps, the value type and the value
 * a context without it has. Passes declare their keys as constants and read them with
 * {@link PassContext#get(OptionKey)}; a value of the wrong type cannot be set.
 *
 * <pre>{@code
 * public static final OptionKey<FloatGemms> FLOAT_GEMMS = OptionKey.of("LowerToPgemm.float_gemms", FloatGemms.class, FloatGemms.PIM, "...");
 * PassContext ctx = PassContext.builder().set(LowerToPgemm.FLOAT_GEMMS, FloatGemms.HOST).build();
 * }</pre>
 *
 * @param name         e.g. {@code LowerToPgemm.float_gemms}
 * @param type         the value type
 * @param defaultValue the value when the context does not set it (may be null: the option is then required by
 *                     the pass that reads it)
 * @param help         one line: what the option decides
 */
public record OptionKey<T>(String name, Class<T> type, T defaultValue, String help) {

    public OptionKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (defaultValue != null && !type.isInstance(defaultValue)) {
            throw new IllegalArgumentException("option " + name + ": default " + defaultValue + " is not a " + type.getSimpleName());
        }
    }

    public static <T> OptionKey<T> of(String name, Class<T> type, T defaultValue, String help) {
        return new OptionKey<>(name, type, defaultValue, help);
    }

    /** {@code value} as this option's type, or an error naming the option. */
    T cast(Object value) {
        if (!type.isInstance(value)) {
            throw new IllegalArgumentException("pass option " + name + " takes a " + type.getSimpleName() + ", got "
                    + (value == null ? "null" : value.getClass().getSimpleName() + " " + value));
        }
        return type.cast(value);
    }

    @Override
    public String toString() { return name; }
}

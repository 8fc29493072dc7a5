package org.pimllm.ir;

import java.util.Locale;

/**
 * Element types of tensors. {@link #text()} is the name used in the text form
 * ({@code float32}, {@code int8}, ...); {@link #parse(String)} also accepts the short
 * aliases {@code fp32}, {@code fp16}, {@code bf16}.
 */
public enum DType {
    BOOL("bool", 8, false, false),
    INT8("int8", 8, false, true),
    UINT8("uint8", 8, false, false),
    INT16("int16", 16, false, true),
    INT32("int32", 32, false, true),
    INT64("int64", 64, false, true),
    FP16("float16", 16, true, true),
    BF16("bfloat16", 16, true, true),
    FP32("float32", 32, true, true);

    private final String text;
    private final int bits;
    private final boolean floating;
    private final boolean signed;

    DType(String text, int bits, boolean floating, boolean signed) {
        this.text = text;
        this.bits = bits;
        this.floating = floating;
        this.signed = signed;
    }

    /** Name in the text form, e.g. {@code float32}. */
    public String text() { return text; }

    public int bits() { return bits; }

    public int bytes() { return bits / 8; }

    public boolean isFloat() { return floating; }

    /** Integer types (not bool, not floats). */
    public boolean isInt() { return !floating && this != BOOL; }

    public boolean isSigned() { return signed; }

    /** Smallest value representable (integers only). */
    public long minValue() {
        return switch (this) {
            case BOOL, UINT8 -> 0;
            case INT8 -> Byte.MIN_VALUE;
            case INT16 -> Short.MIN_VALUE;
            case INT32 -> Integer.MIN_VALUE;
            case INT64 -> Long.MIN_VALUE;
            default -> throw new IllegalStateException(text + " is not an integer type");
        };
    }

    /** Largest value representable (integers only). */
    public long maxValue() {
        return switch (this) {
            case BOOL -> 1;
            case UINT8 -> 255;
            case INT8 -> Byte.MAX_VALUE;
            case INT16 -> Short.MAX_VALUE;
            case INT32 -> Integer.MAX_VALUE;
            case INT64 -> Long.MAX_VALUE;
            default -> throw new IllegalStateException(text + " is not an integer type");
        };
    }

    @Override
    public String toString() { return text; }

    /** Parses a text name or alias; the error lists the accepted names. */
    public static DType parse(String name) {
        DType d = tryParse(name);
        if (d == null) {
            throw new IllegalArgumentException("unknown dtype '" + name
                    + "'; expected one of bool, int8, uint8, int16, int32, int64, float16, bfloat16, float32"
                    + " (or fp16, bf16, fp32)");
        }
        return d;
    }

    /** Like {@link #parse} but returns null for unknown names. */
    public static DType tryParse(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (DType d : values()) {
            if (d.text.equals(n)) return d;
        }
        return switch (n) {
            case "fp32" -> FP32;
            case "fp16" -> FP16;
            case "bf16" -> BF16;
            default -> null;
        };
    }
}

package org.pimllm.ir.text;

/**
 * How to print IR.
 *
 * <p>Constants that are not inline scalars go to the {@code #[metadata]} section, as TVM's {@code meta[Constant][i]}.
 * Each entry says how to rebuild the data: {@code synthetic(type, dist, seed=.., scale=..)} (the zoo's seeded
 * weights: one short line whatever the size), {@code lazy(type, key=..)} (a loader by key), or
 * {@code tensor(type, [values])}. A materialized tensor longer than {@code maxDataElements} is printed as
 * {@code elided(type)}: the listing stays short, and the parser names that entry if the text is loaded.
 *
 * @param showTypes       add {@code /* ty=... *}{@code /} comments to every binding
 * @param showMetadata    print the {@code #[metadata]} entries; without it the section is one comment and the
 *                        listing cannot be parsed back
 * @param maxDataElements materialized tensors with more elements are printed as {@code elided(...)}
 */
public record PrintOptions(boolean showTypes, boolean showMetadata, long maxDataElements) {
    /** Everything: the text parses back to a structurally equal module. */
    public static final PrintOptions FULL = new PrintOptions(true, true, Long.MAX_VALUE);
    /**
     * For reading and reloading: every synthetic and lazy constant as its descriptor, materialized data up to 64
     * elements. A zoo model (all weights synthetic) parses back to a structurally equal module.
     */
    public static final PrintOptions LISTING = new PrintOptions(true, true, 64);
    /** For error messages about big models: types, but no metadata entries at all. */
    public static final PrintOptions SUMMARY = new PrintOptions(true, false, 0);

    public PrintOptions {
        if (maxDataElements < 0) throw new IllegalArgumentException("maxDataElements must be >= 0, got " + maxDataElements);
    }

    /** All data of materialized tensors, or none of the metadata. */
    public PrintOptions(boolean showTypes, boolean showMetadata) {
        this(showTypes, showMetadata, showMetadata ? Long.MAX_VALUE : 0);
    }
}

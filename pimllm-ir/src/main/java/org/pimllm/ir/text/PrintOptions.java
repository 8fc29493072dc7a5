package org.pimllm.ir.text;

/**
 * How to print IR.
 *
 * @param showTypes    add {@code /* ty=... *}{@code /} comments to every binding
 * @param showMetadata print the data of constants in the {@code #[metadata]} section; without it
 *                     the listing is short but cannot be parsed back
 */
public record PrintOptions(boolean showTypes, boolean showMetadata) {
    /** Everything: the text parses back to a structurally equal module. */
    public static final PrintOptions FULL = new PrintOptions(true, true);
    /** For reading big models: types, but no constant data. */
    public static final PrintOptions SUMMARY = new PrintOptions(true, false);
}

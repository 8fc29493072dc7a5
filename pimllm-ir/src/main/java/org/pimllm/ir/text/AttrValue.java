package org.pimllm.ir.text;

import java.util.List;
import java.util.Map;

/** A parsed attribute value before it is converted to a record component's type. */
sealed interface AttrValue {
    int line();

    int column();

    /** A number as written ({@code 768}, {@code -1}, {@code 1.0E-5}). */
    record Num(String text, int line, int column) implements AttrValue {
    }

    record Str(String value, int line, int column) implements AttrValue {
    }

    /** A bare word: true, false, null, an enum constant, a dtype, inf, -inf, nan. */
    record Word(String text, int line, int column) implements AttrValue {
    }

    record ListV(List<AttrValue> items, int line, int column) implements AttrValue {
    }

    /** A nested record: {@code {key=value, ...}}. */
    record RecordV(Map<String, AttrValue> fields, int line, int column) implements AttrValue {
    }
}

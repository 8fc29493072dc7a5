package org.pimllm.ir.text;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.pimllm.ir.DType;

/**
 * Prints attribute records as {@code key=value} pairs and builds them back, generically
 * from the record components. Keys are the component names in snake_case
 * ({@code outDtype} -> {@code out_dtype}). Components equal to the op's default are not
 * printed; when parsing, absent keys take the default (or null for objects when the op has
 * no default).
 */
public final class AttrsCodec {

    private static final java.util.regex.Pattern INTEGER = java.util.regex.Pattern.compile("-?[0-9]+");
    private static final java.util.regex.Pattern REAL = java.util.regex.Pattern.compile("-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    /** Record components and canonical constructor of each attrs type, looked up once. */
    private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
            RecordComponent[] rcs = type.getRecordComponents();
            Class<?>[] types = new Class<?>[rcs.length];
            for (int i = 0; i < rcs.length; i++) {
                types[i] = rcs[i].getType();
                rcs[i].getAccessor().setAccessible(true);
            }
            try {
                Constructor<?> ctor = type.getDeclaredConstructor(types);
                ctor.setAccessible(true);
                return new Shape(rcs, ctor);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("record " + type.getName() + " has no canonical constructor", e);
            }
        }
    };

    private record Shape(RecordComponent[] components, Constructor<?> constructor) {
    }

    private AttrsCodec() {
    }

    static boolean isInteger(String s) { return INTEGER.matcher(s).matches(); }

    static boolean isReal(String s) { return REAL.matcher(s).matches(); }

    /** camelCase to snake_case: {@code transposeB} -> {@code transpose_b}. */
    public static String snake(String camel) {
        StringBuilder sb = new StringBuilder();
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) sb.append('_').append(Character.toLowerCase(c)); else sb.append(c);
        }
        return sb.toString();
    }

    // ---- printing ----

    /** {@code key=value} strings for the components of {@code attrs} that differ from {@code defaults} (null: print all non-null). */
    public static List<String> format(Record attrs, Record defaults) {
        List<String> out = new ArrayList<>();
        for (RecordComponent rc : SHAPES.get(attrs.getClass()).components()) {
            Object v = get(rc, attrs);
            if (defaults != null && defaults.getClass() == attrs.getClass()) {
                if (Objects.equals(v, get(rc, defaults))) continue;
            } else if (v == null) {
                continue;
            }
            out.add(snake(rc.getName()) + "=" + formatValue(v));
        }
        return out;
    }

    static String formatValue(Object v) {
        return switch (v) {
            case null -> "null";
            case Double d -> formatDouble(d);
            case Float f -> formatDouble(f.doubleValue());
            case String s -> Lexer.quote(s);
            case DType d -> d.text();
            case Enum<?> e -> e.name().toLowerCase(Locale.ROOT);
            case List<?> l -> {
                StringBuilder sb = new StringBuilder("[");
                for (int i = 0; i < l.size(); i++) sb.append(i > 0 ? ", " : "").append(formatValue(l.get(i)));
                yield sb.append(']').toString();
            }
            case Record r -> "{" + String.join(", ", format(r, null)) + "}";
            default -> String.valueOf(v); // Integer, Long, Boolean, ...
        };
    }

    static String formatDouble(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        return Double.toString(d);
    }

    private static Object get(RecordComponent rc, Record r) {
        try {
            return rc.getAccessor().invoke(r);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read attribute " + rc.getName() + " of " + r.getClass().getName(), e);
        }
    }

    // ---- parsing ----

    /**
     * Builds a record of {@code type} from parsed values; absent keys take their value from
     * {@code defaults} (if non-null) or null. Errors are {@link ParseException}s at the value's
     * position, or at ({@code line}, {@code column}) for missing attributes.
     */
    static <R extends Record> R build(Class<R> type, R defaults, Map<String, AttrValue> given, String owner, int line, int column) {
        Shape shape = SHAPES.get(type);
        RecordComponent[] rcs = shape.components();
        Map<String, RecordComponent> byKey = new LinkedHashMap<>();
        for (RecordComponent rc : rcs) byKey.put(snake(rc.getName()), rc);
        for (var e : given.entrySet()) {
            if (!byKey.containsKey(e.getKey())) {
                throw new ParseException(owner + " has no attribute '" + e.getKey() + "'; its attributes are "
                        + String.join(", ", byKey.keySet()), e.getValue().line(), e.getValue().column());
            }
        }
        Object[] args = new Object[rcs.length];
        for (int i = 0; i < rcs.length; i++) {
            RecordComponent rc = rcs[i];
            String key = snake(rc.getName());
            AttrValue v = given.get(key);
            if (v != null) {
                args[i] = convert(v, rc.getGenericType(), owner + " attribute " + key);
            } else if (defaults != null) {
                args[i] = get(rc, defaults);
            } else if (rc.getType().isPrimitive()) {
                throw new ParseException(owner + " needs attribute '" + key + "'", line, column);
            }
        }
        try {
            return type.cast(shape.constructor().newInstance(args));
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof NullPointerException npe && npe.getMessage() != null && npe.getMessage().matches("[A-Za-z]+")) {
                throw new ParseException(owner + " needs attribute '" + snake(npe.getMessage()) + "'", line, column);
            }
            String msg = cause == null || cause.getMessage() == null ? String.valueOf(cause) : cause.getMessage();
            throw new ParseException(owner + ": invalid attributes: " + msg, line, column);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct attributes " + type.getName(), e);
        }
    }

    private static ParseException bad(AttrValue v, String what, String expected) {
        String found = switch (v) {
            case AttrValue.Num n -> "number " + n.text();
            case AttrValue.Str s -> "a string";
            case AttrValue.Word w -> "'" + w.text() + "'";
            case AttrValue.ListV l -> "a list";
            case AttrValue.RecordV r -> "a record";
        };
        return new ParseException(what + ": expected " + expected + " but found " + found, v.line(), v.column());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object convert(AttrValue v, Type target, String what) {
        if (v instanceof AttrValue.Word w && w.text().equals("null")) {
            if (target instanceof Class<?> c && c.isPrimitive()) throw bad(v, what, "a " + c.getName());
            return null;
        }
        Class<?> raw = target instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) target;
        if (raw == int.class || raw == Integer.class) return (int) integer(v, what, Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (raw == long.class || raw == Long.class) return integer(v, what, Long.MIN_VALUE, Long.MAX_VALUE);
        if (raw == double.class || raw == Double.class) return real(v, what);
        if (raw == float.class || raw == Float.class) return (float) real(v, what);
        if (raw == boolean.class || raw == Boolean.class) {
            if (v instanceof AttrValue.Word w && (w.text().equals("true") || w.text().equals("false"))) {
                return w.text().equals("true");
            }
            throw bad(v, what, "true or false");
        }
        if (raw == String.class) {
            if (v instanceof AttrValue.Str s) return s.value();
            throw bad(v, what, "a string in double quotes");
        }
        if (raw == DType.class) {
            if (v instanceof AttrValue.Word w && DType.tryParse(w.text()) != null) return DType.tryParse(w.text());
            throw bad(v, what, "a dtype (int8, float32, ...)");
        }
        if (raw.isEnum()) {
            List<String> names = new ArrayList<>();
            for (Object c : raw.getEnumConstants()) {
                String n = ((Enum<?>) c).name().toLowerCase(Locale.ROOT);
                names.add(n);
                if (v instanceof AttrValue.Word w && w.text().toLowerCase(Locale.ROOT).equals(n)) return c;
            }
            throw bad(v, what, "one of " + String.join(", ", names));
        }
        if (raw == List.class) {
            if (!(v instanceof AttrValue.ListV l)) throw bad(v, what, "a list [..]");
            Type elem = target instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : String.class;
            List<Object> out = new ArrayList<>();
            for (AttrValue item : l.items()) {
                Object o = convert(item, elem, what);
                if (o == null) throw bad(item, what, "a value (lists cannot hold null)");
                out.add(o);
            }
            return out;
        }
        if (raw.isRecord()) {
            if (!(v instanceof AttrValue.RecordV r)) throw bad(v, what, "a record {key=value, ...}");
            return build((Class) raw, null, r.fields(), what, v.line(), v.column());
        }
        throw new IllegalStateException(what + ": attribute type " + target + " is not supported by the text form");
    }

    private static long integer(AttrValue v, String what, long min, long max) {
        if (v instanceof AttrValue.Num n && isInteger(n.text())) {
            try {
                long x = Long.parseLong(n.text());
                if (x >= min && x <= max) return x;
            } catch (NumberFormatException e) {
                // fall through to the range error
            }
            throw new ParseException(what + ": " + n.text() + " is out of range [" + min + ", " + max + "]", v.line(), v.column());
        }
        throw bad(v, what, "an integer");
    }

    private static double real(AttrValue v, String what) {
        if (v instanceof AttrValue.Num n && isReal(n.text())) {
            return Double.parseDouble(n.text());
        }
        if (v instanceof AttrValue.Word w) {
            switch (w.text()) {
                case "inf" -> { return Double.POSITIVE_INFINITY; }
                case "-inf" -> { return Double.NEGATIVE_INFINITY; }
                case "nan" -> { return Double.NaN; }
                default -> { }
            }
        }
        throw bad(v, what, "a number");
    }
}

package org.openprofiles.json;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON reader and writer. The Lambda jar carries no JSON library: this one is
 * enough for API bodies and profile objects, and it refuses what would later corrupt data
 * (lone surrogates, which DynamoDB cannot store) or exhaust the stack (deep nesting).
 *
 * <p>Values read: {@code Map<String,Object>} (insertion ordered), {@code List<Object>},
 * {@code String}, {@link JsonNumber}, {@code Boolean}, and {@link #NULL} for JSON null.
 */
public final class Json {
    /** JSON null; a distinct value so that a map can tell "null" from "absent". */
    public static final Object NULL = new Object() {
        @Override public String toString() { return "null"; }
    };

    /** A JSON number kept as its original text, so "27" is rendered back as "27". */
    public record JsonNumber(String text) {
        @Override public String toString() { return text; }
    }

    /** Thrown for any text that is not one complete JSON value. */
    public static final class ParseException extends RuntimeException {
        public ParseException(String message) { super(message); }
    }

    static final int MAX_DEPTH = 256;

    private Json() {}

    public static Object parse(String text) {
        return parse(text, false);
    }

    /**
     * Like {@link #parse(String)}, but a member name repeated within one object is an error rather
     * than the last one winning: for configuration, where a repeated key is a typo that must not pass.
     */
    public static Object parseStrict(String text) {
        return parse(text, true);
    }

    private static Object parse(String text, boolean uniqueMembers) {
        Reader r = new Reader(text, uniqueMembers);
        r.skipWhitespace();
        Object value = r.readValue(0);
        r.skipWhitespace();
        if (r.pos != text.length()) throw r.error("unexpected content after the JSON value");
        return value;
    }

    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(value, sb);
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static void write(Object value, StringBuilder sb) {
        if (value == null || value == NULL) {
            sb.append("null");
        } else if (value instanceof String s) {
            writeString(s, sb);
        } else if (value instanceof Map<?, ?> map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<String, Object> e : ((Map<String, Object>) map).entrySet()) {
                if (!first) sb.append(',');
                first = false;
                writeString(e.getKey(), sb);
                sb.append(':');
                write(e.getValue(), sb);
            }
            sb.append('}');
        } else if (value instanceof List<?> list) {
            sb.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) sb.append(',');
                write(list.get(i), sb);
            }
            sb.append(']');
        } else if (value instanceof Boolean || value instanceof JsonNumber || value instanceof Integer
                || value instanceof Long) {
            sb.append(value);
        } else if (value instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) throw new IllegalArgumentException("not a JSON number: " + d);
            sb.append(d);
        } else {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON");
        }
    }

    private static void writeString(String s, StringBuilder sb) {
        sb.append('"');
        int run = 0; // start of the current run of characters that need no escaping
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\' && c != '\u2028' && c != '\u2029') continue;
            sb.append(s, run, i);
            run = i + 1;
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> sb.append(String.format("\\u%04x", (int) c));
            }
        }
        sb.append(s, run, s.length());
        sb.append('"');
    }

    private static final class Reader {
        private final String s;
        private final boolean uniqueMembers;
        private int pos;

        Reader(String s, boolean uniqueMembers) {
            this.s = s;
            this.uniqueMembers = uniqueMembers;
        }

        ParseException error(String message) {
            return new ParseException(message + " at position " + pos);
        }

        void skipWhitespace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') pos++;
                else break;
            }
        }

        Object readValue(int depth) {
            if (pos >= s.length()) throw error("unexpected end of input");
            char c = s.charAt(pos);
            return switch (c) {
                case '{' -> readObject(depth + 1);
                case '[' -> readArray(depth + 1);
                case '"' -> readString();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", NULL);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) yield readNumber();
                    throw error("unexpected character '" + printable(c) + "'");
                }
            };
        }

        private static String printable(char c) {
            return c < 0x20 || Character.isSurrogate(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c);
        }

        private Object literal(String word, Object value) {
            if (!s.startsWith(word, pos)) throw error("invalid literal");
            pos += word.length();
            return value;
        }

        private Map<String, Object> readObject(int depth) {
            if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
            pos++; // {
            Map<String, Object> map = new LinkedHashMap<>();
            skipWhitespace();
            if (pos < s.length() && s.charAt(pos) == '}') {
                pos++;
                return map;
            }
            while (true) {
                skipWhitespace();
                if (pos >= s.length() || s.charAt(pos) != '"') throw error("expected a member name");
                String key = readString();
                skipWhitespace();
                if (pos >= s.length() || s.charAt(pos) != ':') throw error("expected ':'");
                pos++;
                skipWhitespace();
                if (uniqueMembers && map.containsKey(key)) throw error("member '" + key + "' appears twice");
                map.put(key, readValue(depth));
                skipWhitespace();
                if (pos >= s.length()) throw error("unexpected end of input");
                char c = s.charAt(pos++);
                if (c == '}') return map;
                if (c != ',') { pos--; throw error("expected ',' or '}'"); }
            }
        }

        private List<Object> readArray(int depth) {
            if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
            pos++; // [
            List<Object> list = new ArrayList<>();
            skipWhitespace();
            if (pos < s.length() && s.charAt(pos) == ']') {
                pos++;
                return Collections.unmodifiableList(list);
            }
            while (true) {
                skipWhitespace();
                list.add(readValue(depth));
                skipWhitespace();
                if (pos >= s.length()) throw error("unexpected end of input");
                char c = s.charAt(pos++);
                if (c == ']') return Collections.unmodifiableList(list);
                if (c != ',') { pos--; throw error("expected ',' or ']'"); }
            }
        }

        private String readString() {
            pos++; // opening quote
            StringBuilder sb = null;
            int start = pos;
            while (true) {
                if (pos >= s.length()) throw error("unterminated string");
                char c = s.charAt(pos);
                if (c == '"') {
                    String out = sb == null ? s.substring(start, pos) : sb.append(s, start, pos).toString();
                    pos++;
                    checkSurrogates(out);
                    return out;
                }
                if (c < 0x20) throw error("control character in string");
                if (c == '\\') {
                    if (sb == null) sb = new StringBuilder();
                    sb.append(s, start, pos);
                    pos++;
                    if (pos >= s.length()) throw error("unterminated escape");
                    char e = s.charAt(pos++);
                    switch (e) {
                        case '"' -> sb.append('"');
                        case '\\' -> sb.append('\\');
                        case '/' -> sb.append('/');
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'n' -> sb.append('\n');
                        case 'r' -> sb.append('\r');
                        case 't' -> sb.append('\t');
                        case 'u' -> {
                            int cp = 0;
                            for (int i = 0; i < 4; i++) {
                                int d = pos + i < s.length() ? hexDigit(s.charAt(pos + i)) : -1;
                                if (d < 0) throw error(HEX_ESCAPE_RULE);
                                cp = cp * 16 + d;
                            }
                            pos += 4;
                            sb.append((char) cp);
                        }
                        default -> throw error("invalid escape");
                    }
                    start = pos;
                } else {
                    pos++;
                }
            }
        }

        static final String HEX_ESCAPE_RULE = "a \\u escape must be followed by exactly four hexadecimal digits (0-9, a-f or A-F)";

        /** 0-9, a-f, A-F only: Character.digit would also take Arabic-Indic, fullwidth and other Unicode digits. */
        private static int hexDigit(char c) {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            if (c >= 'A' && c <= 'F') return c - 'A' + 10;
            return -1;
        }

        /** A lone surrogate cannot be encoded as UTF-8, so it could never be stored faithfully. */
        private void checkSurrogates(String str) {
            for (int i = 0; i < str.length(); i++) {
                char c = str.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < str.length() && Character.isLowSurrogate(str.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    throw error("string contains a lone surrogate (not valid Unicode)");
                }
            }
        }

        private JsonNumber readNumber() {
            int start = pos;
            if (s.charAt(pos) == '-') pos++;
            if (pos >= s.length()) throw error("invalid number");
            if (s.charAt(pos) == '0') {
                pos++;
            } else if (isDigit()) {
                while (isDigit()) pos++;
            } else {
                throw error("invalid number");
            }
            if (pos < s.length() && s.charAt(pos) == '.') {
                pos++;
                if (!isDigit()) throw error("invalid number");
                while (isDigit()) pos++;
            }
            if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
                pos++;
                if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) pos++;
                if (!isDigit()) throw error("invalid number");
                while (isDigit()) pos++;
            }
            return new JsonNumber(s.substring(start, pos));
        }

        private boolean isDigit() {
            return pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9';
        }
    }
}

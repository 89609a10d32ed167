package dev.s2s.gtts.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The Google Translate {@code batchexecute} protocol as gTTS 2.5 speaks it: the request form body
 * for the {@code jQ1olc} RPC, and the parse of the {@code )]}'}-prefixed, length-prefixed JSON
 * reply whose {@code jQ1olc} entry carries the MP3 in base64. Not API. Thread-safe: stateless.
 */
public final class BatchExecute {

    /** The RPC id of text-to-speech. */
    public static final String RPC_ID = "jQ1olc";
    /** The request path below {@code https://translate.google.<tld>}. */
    public static final String PATH = "/_/TranslateWebserverUi/data/batchexecute";
    /** The headers gTTS sends. */
    public static final Map<String, String> HEADERS = Map.of(
            "Referer", "http://translate.google.com/",
            "User-Agent", "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
                    + "Chrome/47.0.2526.106 Safari/537.36",
            "Content-Type", "application/x-www-form-urlencoded;charset=utf-8");

    private static final String XSSI_PREFIX = ")]}'";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private BatchExecute() {
    }

    /**
     * The form body for one chunk: {@code f.req=<quoted JSON>&}, where the JSON is
     * {@code [[["jQ1olc","<inner>",null,"generic"]]]} and inner is {@code [text,lang,true|null,"null"]},
     * both serialised like Python's {@code json.dumps(..., separators=(',', ':'))}.
     */
    public static String requestBody(String text, String lang, boolean slow) {
        String inner = "[" + pyJsonString(text) + "," + pyJsonString(lang) + "," + (slow ? "true" : "null") + ",\"null\"]";
        String rpc = "[[[" + pyJsonString(RPC_ID) + "," + pyJsonString(inner) + ",null,\"generic\"]]]";
        return "f.req=" + pyQuote(rpc) + "&";
    }

    /**
     * A JSON string literal as Python's {@code json.dumps} writes it with {@code ensure_ascii=True}:
     * everything outside printable ASCII becomes {@code \\uXXXX} (lower-case hex, surrogate pairs
     * for characters beyond the BMP).
     */
    static String pyJsonString(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c >= ' ' && c <= '~') {
                        sb.append(c);
                    } else {
                        sb.append(String.format("\\u%04x", (int) c));
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** Python's {@code urllib.parse.quote(s, safe='/')}: UTF-8, upper-case hex, unreserved {@code A-Za-z0-9_.-~} and '/' kept. */
    static String pyQuote(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            int v = b & 0xff;
            boolean keep = (v >= 'A' && v <= 'Z') || (v >= 'a' && v <= 'z') || (v >= '0' && v <= '9')
                    || v == '_' || v == '.' || v == '-' || v == '~' || v == '/';
            if (keep) {
                sb.append((char) v);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(v >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(v & 15, 16)));
            }
        }
        return sb.toString();
    }

    /**
     * The MP3 bytes of a reply: the base64 audio of every {@code jQ1olc} entry, concatenated; an
     * empty array when the reply is well formed but carries no audio (as for an unsupported
     * language).
     *
     * @throws BadReplyException when the reply is not {@code )]}'} followed by
     *                                 length-prefixed JSON arrays (e.g. cut off mid-body)
     */
    public static byte[] parseAudio(String body) throws BadReplyException {
        String b = body.stripLeading();
        if (!b.startsWith(XSSI_PREFIX)) {
            throw new BadReplyException("reply does not start with )]}' but with: " + abbreviate(b));
        }
        ByteArrayOutputStream audio = new ByteArrayOutputStream();
        int entries = 0;
        try (MappingIterator<JsonNode> it = MAPPER.readerFor(JsonNode.class).readValues(b.substring(XSSI_PREFIX.length()))) {
            while (it.hasNextValue()) {
                JsonNode length = it.nextValue();
                if (!length.isIntegralNumber() || length.asLong() <= 0) {
                    throw new BadReplyException("expected a chunk length, got: " + abbreviate(length.toString()));
                }
                if (!it.hasNextValue()) {
                    throw new BadReplyException("reply ends after a chunk length of " + length.asLong()
                            + " (truncated?)");
                }
                JsonNode chunk = it.nextValue();
                if (!chunk.isArray()) {
                    throw new BadReplyException("expected a JSON array chunk, got: " + abbreviate(chunk.toString()));
                }
                entries++;
                collectAudio(chunk, audio);
            }
        } catch (JsonProcessingException | RuntimeException e) {
            throw new BadReplyException("reply is not valid length-prefixed JSON (truncated?): "
                    + firstLine(e.getMessage()), e);
        } catch (IOException e) {
            throw new BadReplyException("cannot read reply: " + e.getMessage(), e);
        }
        if (entries == 0) {
            throw new BadReplyException("reply holds no JSON chunk after )]}'");
        }
        return audio.toByteArray();
    }

    private static void collectAudio(JsonNode chunk, ByteArrayOutputStream audio) throws BadReplyException {
        for (Iterator<JsonNode> it = chunk.elements(); it.hasNext();) {
            JsonNode entry = it.next();
            if (!entry.isArray() || entry.size() < 3 || !RPC_ID.equals(entry.path(1).asText())) {
                continue;
            }
            JsonNode payload = entry.get(2);
            if (payload == null || !payload.isTextual()) {
                continue; // an RPC answered without audio
            }
            JsonNode inner;
            try {
                inner = MAPPER.readTree(payload.asText());
            } catch (JsonProcessingException e) {
                throw new BadReplyException("jQ1olc payload is not JSON: " + abbreviate(payload.asText()), e);
            }
            if (inner == null || !inner.isArray() || inner.isEmpty() || !inner.get(0).isTextual()) {
                continue;
            }
            try {
                audio.writeBytes(Base64.getDecoder().decode(inner.get(0).asText()));
            } catch (IllegalArgumentException e) {
                throw new BadReplyException("jQ1olc audio is not base64: " + e.getMessage(), e);
            }
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static String abbreviate(String s) {
        String oneLine = s.replace('\n', ' ');
        return oneLine.length() > 80 ? oneLine.substring(0, 80) + "..." : oneLine;
    }
}

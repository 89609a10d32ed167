package dev.s2s.gtts.internal;

import java.util.Base64;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Replies in the shape Google's batchexecute sends: {@code )]}'}, then length-prefixed JSON chunks. */
public final class FakeReplies {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private FakeReplies() {
    }

    /** A reply carrying {@code mp3}. */
    public static String audioReply(byte[] mp3) {
        String payload = "[\"" + Base64.getEncoder().encodeToString(mp3) + "\"]";
        return frame("[[\"wrb.fr\",\"jQ1olc\"," + json(payload) + ",null,null,null,\"generic\"],[\"di\",58],"
                + "[\"af.httprm\",57,\"-2365427040238164364\",25]]");
    }

    /** A well-formed reply whose jQ1olc entry has no audio (what an unsupported language gets). */
    public static String noAudioReply() {
        return frame("[[\"wrb.fr\",\"jQ1olc\",null,null,null,[3],\"generic\"],[\"di\",23],"
                + "[\"af.httprm\",22,\"-7069836542208540128\",4]]");
    }

    private static String frame(String first) {
        String tail = "[[\"e\",4,null,null," + (first.length() + 40) + "]]";
        return ")]}'\n\n" + (first.length() + 1) + "\n" + first + "\n" + (tail.length() + 1) + "\n" + tail + "\n";
    }

    private static String json(String s) {
        try {
            return MAPPER.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

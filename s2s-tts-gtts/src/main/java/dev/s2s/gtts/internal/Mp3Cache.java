package dev.s2s.gtts.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An on-disk cache of the MP3 Google returned for one chunk, keyed by (text, lang, tld, slow), so
 * that a repeated phrase costs no request. Files are {@code <dir>/<2 hex>/<sha-256 hex>.mp3},
 * written to a temporary file and moved into place atomically, so concurrent writers and readers
 * (threads or processes) never see a partial entry. Not API. Thread-safe.
 */
public final class Mp3Cache {

    private static final Logger LOG = LoggerFactory.getLogger(Mp3Cache.class);

    private final Path dir;

    /** A cache in {@code dir}, created when missing. */
    public Mp3Cache(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
    }

    /** The cache folder. */
    public Path dir() {
        return dir;
    }

    /** The file for a key (it may not exist). */
    public Path file(String text, String lang, String tld, boolean slow) {
        String hex = key(text, lang, tld, slow);
        return dir.resolve(hex.substring(0, 2)).resolve(hex + ".mp3");
    }

    /** The cached MP3, if present and readable. */
    public Optional<byte[]> get(String text, String lang, String tld, boolean slow) {
        Path f = file(text, lang, tld, slow);
        try {
            return Optional.of(Files.readAllBytes(f));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.warn("gtts cache: cannot read {}: {}", f, e.toString());
            return Optional.empty();
        }
    }

    /** Stores an MP3; failures are logged, not thrown (the cache is an optimisation). */
    public void put(String text, String lang, String tld, boolean slow, byte[] mp3) {
        Path f = file(text, lang, tld, slow);
        Path tmp = null;
        try {
            Files.createDirectories(f.getParent());
            tmp = Files.createTempFile(f.getParent(), ".part-", ".tmp");
            Files.write(tmp, mp3);
            try {
                Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            LOG.warn("gtts cache: cannot write {}: {}", f, e.toString());
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    LOG.debug("gtts cache: cannot delete {}", tmp, e);
                }
            }
        }
    }

    /** Removes an entry that turned out to be unusable. */
    public void remove(String text, String lang, String tld, boolean slow) {
        try {
            Files.deleteIfExists(file(text, lang, tld, slow));
        } catch (IOException e) {
            LOG.warn("gtts cache: cannot delete a bad entry: {}", e.toString());
        }
    }

    /** SHA-256 over a length-prefixed encoding of the four key parts, so no two keys collide by concatenation. */
    static String key(String text, String lang, String tld, boolean slow) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {"gtts-v1", text, lang, tld, slow ? "slow" : "normal"}) {
                byte[] b = part.getBytes(StandardCharsets.UTF_8);
                md.update((b.length + ":").getBytes(StandardCharsets.US_ASCII));
                md.update(b);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}

package dev.s2s.formats;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import dev.s2s.api.ModelFormatException;

/**
 * A model file mapped read-only into memory as one {@link MemorySegment} (files over 2 GB work),
 * with bounds-checked little-endian reads that raise {@link ModelFormatException} naming the file
 * and offset instead of crashing. The shared base of every reader in this package.
 *
 * <p>The mapping lives until {@link #close()}; segments obtained from it must not be used after
 * that. Reads are thread-safe; {@code close} must not race with them.
 */
public final class MappedFile implements AutoCloseable {

    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    private final Path path;
    private final Arena arena;
    private final MemorySegment segment;

    private MappedFile(Path path, Arena arena, MemorySegment segment) {
        this.path = path;
        this.arena = arena;
        this.segment = segment;
    }

    /**
     * Maps {@code path} read-only.
     *
     * @throws ModelFormatException when the file is missing, not a regular file, empty or unreadable
     */
    public static MappedFile open(Path path) {
        if (path == null) {
            throw new ModelFormatException("model path is null");
        }
        if (!Files.exists(path)) {
            throw new ModelFormatException("model file not found: " + path);
        }
        if (!Files.isRegularFile(path)) {
            throw new ModelFormatException("not a regular file: " + path);
        }
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) {
                throw new ModelFormatException(path + ": the file is empty");
            }
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new MappedFile(path, arena, seg);
        } catch (NoSuchFileException e) {
            arena.close();
            throw new ModelFormatException("model file not found: " + path, e);
        } catch (IOException e) {
            arena.close();
            throw new ModelFormatException(path + ": cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** The file. */
    public Path path() {
        return path;
    }

    /** File size in bytes. */
    public long size() {
        return segment.byteSize();
    }

    /** The whole file. */
    public MemorySegment segment() {
        return segment;
    }

    /** Bytes {@code [offset, offset + length)}, checked against the file size. */
    public MemorySegment slice(long offset, long length, String what) {
        check(offset, length, what);
        return segment.asSlice(offset, length);
    }

    /** Throws {@link ModelFormatException} unless {@code [offset, offset + length)} lies in the file. */
    public void check(long offset, long length, String what) {
        if (offset < 0 || length < 0 || offset > size() || length > size() - offset) {
            throw fail(offset, what + " (" + length + " bytes) lies beyond the end of the file (" + size() + " bytes)");
        }
    }

    /** A {@link ModelFormatException} naming this file and the offset. */
    public ModelFormatException fail(long offset, String reason) {
        return new ModelFormatException(path.getFileName() + ": " + reason + " at byte " + offset);
    }

    /** A signed byte. */
    public byte i8(long offset, String what) {
        check(offset, 1, what);
        return segment.get(ValueLayout.JAVA_BYTE, offset);
    }

    /** A little-endian 16-bit value. */
    public short i16(long offset, String what) {
        check(offset, 2, what);
        return segment.get(I16, offset);
    }

    /** A little-endian 32-bit integer. */
    public int i32(long offset, String what) {
        check(offset, 4, what);
        return segment.get(I32, offset);
    }

    /** A little-endian 64-bit integer. */
    public long i64(long offset, String what) {
        check(offset, 8, what);
        return segment.get(I64, offset);
    }

    /** A little-endian float. */
    public float f32(long offset, String what) {
        check(offset, 4, what);
        return segment.get(F32, offset);
    }

    /** A little-endian double. */
    public double f64(long offset, String what) {
        check(offset, 8, what);
        return segment.get(F64, offset);
    }

    /** {@code length} bytes as strict UTF-8 (malformed input is a format error). */
    public String utf8(long offset, long length, String what) {
        check(offset, length, what);
        if (length > Integer.MAX_VALUE - 16) {
            throw fail(offset, what + " has an absurd length " + length);
        }
        byte[] bytes = segment.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw fail(offset, what + " is not valid UTF-8");
        }
    }

    /** {@code length} raw bytes. */
    public byte[] bytes(long offset, int length, String what) {
        check(offset, length, what);
        return segment.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Unmaps the file. Idempotent. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "MappedFile[" + path + ", " + size() + " bytes]";
    }
}

package dev.s2s.cli;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Run in a child JVM by {@link ModelStoreTest}: takes the OS lock on a file, prints "locked",
 * and holds it until its standard input closes (or 30 s pass).
 */
public final class LockHolder {

    private LockHolder() {
    }

    /** @param args the lock file */
    public static void main(String[] args) throws Exception {
        try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = ch.lock()) {
            System.out.println("locked");
            System.out.flush();
            long end = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < end && System.in.read() >= 0) {
                // wait for stdin to close
            }
        }
    }
}

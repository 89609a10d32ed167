package dev.s2s.cli.internal;

import java.nio.file.Path;
import java.util.Locale;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.SourceDataLine;
import javax.sound.sampled.TargetDataLine;

import dev.s2s.api.AudioClip;
import dev.s2s.api.CancellationToken;
import dev.s2s.api.Conversation;
import dev.s2s.api.PipelineMethod;
import dev.s2s.api.ProviderConfig;
import dev.s2s.api.SpeechPipeline;
import dev.s2s.cli.BargeInDetector;
import dev.s2s.cli.EnergyVad;
import dev.s2s.cli.ExitCodes;
import dev.s2s.cli.LiveLoop;
import dev.s2s.cli.NoAudioDeviceException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code s2s live}: microphone to loudspeaker. Not API. Not thread-safe: one invocation per instance. */
@Command(name = "live", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"A live voice loop: speak, pause, and hear the reply, sentence by sentence, as it is written. "
                + "Speaking while the reply plays stops it (barge-in). Ctrl-C ends.",
            "Needs a microphone and a loudspeaker (javax.sound.sampled); on a headless machine it exits with code 6. "
                + "Use headphones: without echo cancellation a loudspeaker can trigger barge-in."})
public final class LiveCommand extends BaseCommand {

    @Option(names = "--config", paramLabel = "JSON", description = "Pipeline configuration.")
    Path config;

    @Option(names = "--hangover", paramLabel = "MS", defaultValue = "700",
            description = "Silence that ends a turn, in ms (default ${DEFAULT-VALUE}).")
    int hangoverMs;

    @Option(names = "--margin", paramLabel = "DB", defaultValue = "10",
            description = "Speech must be this many dB above the noise floor (default ${DEFAULT-VALUE}).")
    double marginDb;

    @Option(names = "--no-barge-in", description = "Never interrupt the reply.")
    boolean noBargeIn;

    private static final int MIC_RATE = 16_000;

    /** Used by picocli. */
    public LiveCommand() {
    }

    @Override
    int execute() throws Exception {
        // Open the devices first: on a headless machine fail before loading any model.
        AudioFormat micFormat = new AudioFormat(MIC_RATE, 16, 1, true, false);
        TargetDataLine in = openMic(micFormat);
        try {
            ProviderConfig cfg = resolved(Common.loadConfig(config));
            try (SpeechPipeline p = SpeechPipeline.fromConfig(cfg); DeviceSpeaker out = new DeviceSpeaker()) {
                Conversation conv = p.settings().method() == PipelineMethod.TEXT ? p.conversation() : null;
                LiveLoop.Responder responder = conv != null ? conv::say : p::stream;
                EnergyVad vad = new EnergyVad(MIC_RATE, java.time.Duration.ofMillis(20), marginDb, -50,
                        java.time.Duration.ofMillis(100), java.time.Duration.ofMillis(hangoverMs),
                        java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(30));
                BargeInDetector barge = noBargeIn ? new BargeInDetector(0.1, 0, 0, java.time.Duration.ofDays(1))
                        : new BargeInDetector();
                CancellationToken stop = new CancellationToken();
                Runtime.getRuntime().addShutdownHook(new Thread(stop::cancel));
                in.start();
                LiveLoop loop = new LiveLoop(new DeviceMic(in), out, responder, vad, barge, term.err()::println);
                term.err().println("speak now (Ctrl-C to stop)");
                loop.run(stop);
                term.err().printf(Locale.ROOT, "%d turns, %d barge-ins%n", loop.turns(), loop.bargeIns());
            }
        } finally {
            in.close();
        }
        return ExitCodes.OK;
    }

    private static TargetDataLine openMic(AudioFormat f) {
        try {
            DataLine.Info info = new DataLine.Info(TargetDataLine.class, f);
            if (!AudioSystem.isLineSupported(info)) {
                throw new NoAudioDeviceException(noDevice("microphone"), null);
            }
            TargetDataLine line = (TargetDataLine) AudioSystem.getLine(info);
            line.open(f, MIC_RATE / 10 * 2);
            return line;
        } catch (LineUnavailableException | IllegalArgumentException | SecurityException e) {
            throw new NoAudioDeviceException(noDevice("microphone") + " (" + e.getMessage() + ")", e);
        }
    }

    static String noDevice(String what) {
        return "no " + what + " found: 's2s live' needs a microphone and a loudspeaker (this looks like a headless "
                + "machine or a container without sound devices); use 's2s run --in question.wav --out reply.wav' "
                + "instead";
    }

    /** The microphone through a TargetDataLine. */
    private static final class DeviceMic implements LiveLoop.Microphone {
        private final TargetDataLine line;
        private byte[] bytes = new byte[0];

        DeviceMic(TargetDataLine line) {
            this.line = line;
        }

        @Override
        public int sampleRate() {
            return MIC_RATE;
        }

        @Override
        public int read(float[] buf) {
            if (bytes.length != buf.length * 2) {
                bytes = new byte[buf.length * 2];
            }
            int n = line.read(bytes, 0, bytes.length);
            if (n <= 0 && !line.isOpen()) {
                return -1;
            }
            for (int i = 0; i < n / 2; i++) {
                buf[i] = (short) ((bytes[2 * i] & 0xff) | (bytes[2 * i + 1] << 8)) / 32768f;
            }
            return n / 2;
        }
    }

    /** The loudspeaker through a SourceDataLine, reopened when the clip's rate changes. */
    private static final class DeviceSpeaker implements LiveLoop.Speaker, AutoCloseable {
        private SourceDataLine line;
        private int rate;
        private volatile boolean stopped;
        private volatile double level = -120;

        @Override
        public void play(AudioClip clip) {
            AudioClip mono = clip.toMono();
            stopped = false;
            try {
                if (line == null || rate != mono.sampleRate()) {
                    if (line != null) {
                        line.close();
                    }
                    AudioFormat f = new AudioFormat(mono.sampleRate(), 16, 1, true, false);
                    line = AudioSystem.getSourceDataLine(f);
                    line.open(f, mono.sampleRate() / 10 * 2);
                    line.start();
                    rate = mono.sampleRate();
                }
            } catch (LineUnavailableException | IllegalArgumentException e) {
                throw new NoAudioDeviceException(noDevice("loudspeaker") + " (" + e.getMessage() + ")", e);
            }
            float[] s = mono.samples();
            int block = Math.max(1, rate / 50);
            byte[] b = new byte[block * 2];
            for (int off = 0; off < s.length && !stopped; off += block) {
                int n = Math.min(block, s.length - off);
                for (int i = 0; i < n; i++) {
                    int v = Math.round(Math.max(-1f, Math.min(1f, s[off + i])) * 32767f);
                    b[2 * i] = (byte) v;
                    b[2 * i + 1] = (byte) (v >> 8);
                }
                level = EnergyVad.levelDb(s, off, n);
                line.write(b, 0, n * 2);
            }
            if (!stopped) {
                line.drain();
            }
            level = -120;
        }

        @Override
        public void stop() {
            stopped = true;
            SourceDataLine l = line;
            if (l != null) {
                l.flush();
            }
            level = -120;
        }

        @Override
        public double levelDb() {
            return level;
        }

        @Override
        public void close() {
            if (line != null) {
                line.close();
            }
        }
    }
}

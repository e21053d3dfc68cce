import com.adobe.epubcheck.tool.EpubChecker;
import java.io.*;
import java.nio.charset.StandardCharsets;

/** EPUBCheck for many EPUBs in one JVM: each line on stdin is "<log file>\t<arg>\t<arg>...";
 *  the run's output goes to the log file, its exit code to stdout, one line per request. */
public class EpubCheckServer {
    public static void main(String[] argv) throws Exception {
        PrintStream reply = System.out, err = System.err;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] parts = line.split("\t");
            String[] args = java.util.Arrays.copyOfRange(parts, 1, parts.length);
            int code;
            try (PrintStream log = new PrintStream(new FileOutputStream(parts[0]), true, "UTF-8")) {
                System.setOut(log);
                System.setErr(log);
                try {
                    code = new EpubChecker().run(args);
                } catch (Throwable t) {
                    t.printStackTrace(log);
                    code = 99;
                } finally {
                    System.setOut(reply);
                    System.setErr(err);
                }
            }
            reply.println(code);
            reply.flush();
        }
    }
}

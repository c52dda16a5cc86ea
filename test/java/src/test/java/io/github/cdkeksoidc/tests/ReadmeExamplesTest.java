package io.github.cdkeksoidc.tests;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every Java example of docs/examples/java.md compiles, runs, synthesizes, and returns what its comments say. */
class ReadmeExamplesTest {
    private static final Pattern BLOCK = Pattern.compile("^```java\\n(.*?)^```$", Pattern.MULTILINE | Pattern.DOTALL);
    /** {@code expression; // "value"}: the example promises that the expression returns "value". */
    private static final Pattern PROMISE = Pattern.compile("^(\\S.*?);\\s*// (\".*\")$", Pattern.MULTILINE);
    /** Examples that work in "a stack of yours" get one, with a resource of its own: strict mode refuses an empty template. */
    private static final String FIXTURE = "software.amazon.awscdk.App app = new software.amazon.awscdk.App();\n"
            + "software.amazon.awscdk.Stack stack = new software.amazon.awscdk.Stack(app, \"Platform\");\n"
            + "new software.amazon.awscdk.CfnWaitConditionHandle(stack, \"Placeholder\");\n";

    static List<String> blocks() throws IOException {
        Matcher matcher = BLOCK.matcher(Files.readString(Path.of(System.getProperty("examples"))));
        List<String> blocks = new ArrayList<>();
        while (matcher.find()) {
            blocks.add(matcher.group(1));
        }
        return blocks;
    }

    @Test
    void theExamplesFileHasJavaExamples() throws IOException {
        assertTrue(blocks().size() >= 5);
        // The comments are checked: at least the provider's names and a binding's name are promised.
        assertTrue(blocks().stream().mapToLong(block -> PROMISE.matcher(block).results().count()).sum() >= 6);
    }

    /** The examples as classes Example0, Example1, ... (javac compiles them in one go: a compile loads the whole classpath). */
    @TempDir
    static Path classes;
    private static String diagnostics;
    private static List<String> sources;

    @BeforeAll
    static void compileEveryExample() throws IOException {
        List<String> blocks = blocks();
        sources = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            String block = blocks.get(i);
            String imports = block.lines().filter(line -> line.startsWith("import ")).collect(Collectors.joining("\n"));
            String body = block.lines().filter(line -> !line.startsWith("import ")).collect(Collectors.joining("\n"));
            body = PROMISE.matcher(body).replaceAll("org.junit.jupiter.api.Assertions.assertEquals($2, $1);");
            if (!body.contains("new App()")) {
                body = FIXTURE + body;
            }
            String source = imports + "\npublic class Example" + i + " {\n    public static void run() {\n" + body
                    + "\n        app.synth();\n    }\n}\n";
            sources.add(source);
            files.add(Files.writeString(classes.resolve("Example" + i + ".java"), source));
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter output = new StringWriter();
        boolean compiled = javac.getTask(output, null, null,
                List.of("-classpath", System.getProperty("java.class.path"), "-d", classes.toString()), null,
                javac.getStandardFileManager(null, null, null).getJavaFileObjects(files.toArray(Path[]::new))).call();
        diagnostics = compiled ? null : output.toString();
    }

    static IntStream examples() throws IOException {
        return IntStream.range(0, blocks().size());
    }

    @ParameterizedTest
    @MethodSource("examples")
    void docsExample(int example) throws Exception {
        assertNull(diagnostics, () -> diagnostics + "\n" + String.join("\n", sources));
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            loader.loadClass("Example" + example).getMethod("run").invoke(null);
        }
    }
}

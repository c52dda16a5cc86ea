package io.github.cdkeksoidc.tests;

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
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
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

    @ParameterizedTest
    @MethodSource("blocks")
    void docsExample(String block, @TempDir Path dir) throws Exception {
        String imports = block.lines().filter(line -> line.startsWith("import ")).collect(Collectors.joining("\n"));
        String body = block.lines().filter(line -> !line.startsWith("import ")).collect(Collectors.joining("\n"));
        body = PROMISE.matcher(body).replaceAll("org.junit.jupiter.api.Assertions.assertEquals($2, $1);");
        if (!body.contains("new App()")) {
            body = FIXTURE + body;
        }
        String source = imports + "\npublic class Example {\n    public static void run() {\n" + body
                + "\n        app.synth();\n    }\n}\n";
        Files.writeString(dir.resolve("Example.java"), source);

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        boolean compiled = javac.getTask(diagnostics, null, null,
                List.of("-classpath", System.getProperty("java.class.path"), "-d", dir.toString()), null,
                javac.getStandardFileManager(null, null, null).getJavaFileObjects(dir.resolve("Example.java"))).call();
        assertTrue(compiled, () -> diagnostics + "\n" + source);

        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            loader.loadClass("Example").getMethod("run").invoke(null);
        }
    }
}

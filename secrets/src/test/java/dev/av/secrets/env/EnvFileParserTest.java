package dev.av.secrets.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.av.core.AvException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvFileParserTest {

    @Test
    void commentsExportPrefixesAndQuotesAreUnderstood() {
        Map<String, String> env = EnvFileParser.parse("""
                # a comment
                PLAIN=value
                   SPACED = padded value   
                export EXPORTED=yes
                INLINE=abc # trailing comment
                HASH=abc#not-a-comment
                SINGLE='literal \\n $HOME # kept'
                DOUBLE="line1\\nline2\\t\\"quoted\\" \\\\ \\$x"
                EMPTY=
                MULTI="first
                second"
                AFTER='x' # fine
                """);
        assertThat(env).containsExactly(
                Map.entry("PLAIN", "value"),
                Map.entry("SPACED", "padded value"),
                Map.entry("EXPORTED", "yes"),
                Map.entry("INLINE", "abc"),
                Map.entry("HASH", "abc#not-a-comment"),
                Map.entry("SINGLE", "literal \\n $HOME # kept"),
                Map.entry("DOUBLE", "line1\nline2\t\"quoted\" \\ $x"),
                Map.entry("EMPTY", ""),
                Map.entry("MULTI", "first\nsecond"),
                Map.entry("AFTER", "x"));
    }

    @Test
    void windowsLineEndingsAndALaterKeyWin() {
        assertThat(EnvFileParser.parse("A=1\r\nB=2\r\nA=3\r\n")).containsExactly(Map.entry("A", "3"), Map.entry("B", "2"));
    }

    @Test
    void malformedLinesNameTheLineButNeverTheValue() {
        assertThatThrownBy(() -> EnvFileParser.parse("OK=1\nTOKEN=\"s3cr3t-unterminated\n"))
                .isInstanceOf(AvException.class)
                .hasMessageContaining("line 2")
                .hasMessageNotContaining("s3cr3t");
        assertThatThrownBy(() -> EnvFileParser.parse("just words\n"))
                .isInstanceOf(AvException.class).hasMessageContaining("line 1");
        assertThatThrownBy(() -> EnvFileParser.parse("K='v' junk-s3cr3t\n"))
                .isInstanceOf(AvException.class).hasMessageNotContaining("s3cr3t");
        assertThatThrownBy(() -> EnvFileParser.parse("1KEY=x\n")).isInstanceOf(AvException.class);
    }
}

package io.softcifar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.softcifar.cli.stack.ApiToken;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IAnnotatedElement;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The option and parameter help of every command comes from {@code io/softcifar/cli/help.properties}: each of them
 * has a text there, each key there belongs to one, a bare (shared) key serves only the one mixin field it was written
 * for, and the texts that quote code constants say what the code does.
 */
class HelpTextTest {

    private static final ResourceBundle BUNDLE = ResourceBundle.getBundle("io.softcifar.cli.help");

    /** One option or positional parameter of one command, with the field that declares it. */
    private record Arg(CommandSpec command, ArgSpec arg, Field field, String key) {
        String where() {
            return command.qualifiedName() + " " + key;
        }
    }

    @Test
    void everyOptionAndParameterHasItsOwnTextAndEveryKeyIsUsed() {
        List<Arg> args = new ArrayList<>();
        collect(SoftCifar.commandLine().getCommandSpec(), args);
        assertThat(args).hasSizeGreaterThan(80); // all commands were walked, not just the root

        Set<String> used = new HashSet<>();
        Map<String, Field> bareKeyOwner = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (Arg a : args) {
            String qualified = a.command().qualifiedName(".") + "." + a.key();
            if (BUNDLE.containsKey(qualified)) {
                used.add(qualified);
            } else if (BUNDLE.containsKey(a.key())) {
                used.add(a.key());
                Field owner = bareKeyOwner.putIfAbsent(a.key(), a.field());
                if (owner != null && !owner.equals(a.field())) {
                    problems.add(a.where() + ": takes the shared text of " + owner + " (give it " + qualified + ")");
                }
            } else {
                problems.add(a.where() + ": no text (add " + qualified + " to help.properties)");
            }
            String[] description = a.arg().description();
            if (description.length == 0 || String.join("", description).isBlank()) {
                problems.add(a.where() + ": empty description");
            }
        }
        Set<String> unused = new TreeSet<>(BUNDLE.keySet());
        unused.removeAll(used);
        unused.forEach(k -> problems.add(k + ": in help.properties but no option or parameter has this key"));
        assertThat(problems).isEmpty();
    }

    @Test
    void textsThatQuoteTheCodeSayWhatItDoes() {
        // the token file a client reads without --token-file (ApiToken.find's fallbacks)
        assertThat(help("submit"))
                .contains("the API token to send (default: $" + ApiToken.ENV_FILE + ", else ~/.softcifar/"
                        + ApiToken.FILE_NAME + " written by up)");
        // --mixup alone: the reference's α:q, the option's fallback value
        assertThat(help("train"))
                .contains("(alone: the reference's 0.2:0.15)")
                .contains("--mixup[=α:q] Mixup with Beta(α, α)");
        assertThat(TrainCommand.REFERENCE_MIX).isEqualTo("0.2:0.15");
        // ${DEFAULT-VALUE} in the bundle is the option's default, per command
        assertThat(help("bench", "evaluate"))
                .contains("--test=<test> test images of each full metric set (default 1500)");
        assertThat(help("bench", "train"))
                .contains("--steps=<steps> timed steps (default 30)")
                .contains("--device=<device> cpu, gpu or auto (default cpu)");
        // the same option name with different texts in different commands
        assertThat(help("dataset", "import")).contains("--url=<url> dataset-service (default: http://localhost:8081)");
        assertThat(help("api-key")).contains("--home=DIR where to write them (default: ~/.softcifar)");
        assertThat(help("up")).contains("--home=DIR data, logs and work folders (default: ~/.softcifar)");
    }

    /** The usage help of the command at {@code path}, its white space folded (picocli wraps at 80 columns). */
    private static String help(String... path) {
        CommandLine cl = SoftCifar.commandLine();
        for (String name : path) {
            cl = cl.getSubcommands().get(name);
        }
        return cl.getUsageMessage(CommandLine.Help.Ansi.OFF).replaceAll("\\s+", " ");
    }

    private static void collect(CommandSpec spec, List<Arg> out) {
        if (spec.userObject() instanceof CommandLine.HelpCommand) {
            return;
        }
        List<ArgSpec> args = new ArrayList<>(spec.options());
        args.addAll(spec.positionalParameters());
        for (ArgSpec arg : args) {
            if (arg instanceof OptionSpec o && (o.usageHelp() || o.versionHelp())) {
                continue; // picocli's own -h/-V
            }
            Object member = arg.userObject() instanceof IAnnotatedElement e ? e.userObject() : arg.userObject();
            String key = arg instanceof OptionSpec o
                    ? o.longestName().replaceFirst("^-+", "")
                    : ((PositionalParamSpec) arg).paramLabel() + "[" + ((PositionalParamSpec) arg).index() + "]";
            out.add(new Arg(spec, arg, (Field) member, key));
        }
        for (CommandLine sub : spec.subcommands().values()) {
            if (sub.getCommandSpec().parent() == spec) {
                collect(sub.getCommandSpec(), out);
            }
        }
    }
}

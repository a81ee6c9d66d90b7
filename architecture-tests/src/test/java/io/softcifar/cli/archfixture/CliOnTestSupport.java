package io.softcifar.cli.archfixture;

import io.softcifar.testsupport.TopicProbe;

/** Deliberately wrong, for ModuleBoundariesTest: main code that uses the test-support module. */
public class CliOnTestSupport {
    TopicProbe probe;
}

package io.softcifar.contracts.events;

/** An event about one run: every such payload names it, so a consumer finds the run without a switch over types. */
public interface RunEvent {

    String runId();
}

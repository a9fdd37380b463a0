package dev.pyapp.server.hooks;

/**
 * A recurring task of an app, as its {@code metadata.yaml} declares it.
 *
 * @param name the task's name
 * @param schedule a 5-field cron expression
 * @param call {@code module:callable}
 */
public record TaskDefinition(String name, String schedule, String call) {
}

/**
 * The runtime module's internals, which other modules cannot reach (Modulith rejects any
 * access): the supervisor's parts behind {@code AppSupervisor} ({@code SupervisedApps}
 * with {@code Supervised} and the state machine {@code DaemonLifecycle},
 * {@code DaemonStarts}, {@code DaemonStops}, {@code CrashWatcher},
 * {@code CandidateSwitch}, {@code GracefulRestart}, {@code DaemonAdoption}), the launch
 * of one daemon ({@code DaemonLauncher}, {@code Daemon}, {@code DaemonAddresses},
 * {@code DaemonCgroups}, {@code DaemonFiles}), its health probe ({@code HealthProbe},
 * {@code UwsgiPacket}), the gunicorn server ({@code GunicornServer},
 * {@code CommandLineMatch}), what survives a restart ({@code DaemonRecord}, collection
 * {@code daemons}, and its repository) and the settings ({@code RuntimeProperties},
 * {@code pyapp.runtime}). Types and members the base package uses are public; the
 * supervisor's state machine is described in the base package's documentation.
 */
@NullMarked
package dev.pyapp.server.runtime.internal;

import org.jspecify.annotations.NullMarked;

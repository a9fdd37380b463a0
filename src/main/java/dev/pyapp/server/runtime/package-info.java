/**
 * App daemons (gunicorn or uWSGI): start, stop, supervise, adopt after a restart, upgrade
 * beside the live release and roll back. Owns {@code AppStatus} and publishes
 * {@code AppStarted}, {@code AppStopped} and {@code AppCrashed}.
 *
 * <p>
 * {@code AppSupervisor} is the facade other modules call. This package is the module's
 * API: the facade, {@code AppContexts} and {@code AppCommands} (an app's process context
 * and commands run in it), the app servers' SPI ({@code AppServer}, {@code AppServers},
 * {@code DaemonSpec}, {@code PythonIdentity}, {@code WireProtocol}), the state and events
 * ({@code AppStatus}, {@code ProcessState}, {@code AppStarted}, {@code AppStopped},
 * {@code AppCrashed}, {@code AppOutOfMemory}, {@code AppSwitching},
 * {@code AppNotAdopted}, {@code AppEndpoint}), {@code HealthMonitor}, {@code MountPaths}
 * and the supervision mechanism ({@code Restarter}, {@code RestartPolicy},
 * {@code RestartScheduler}). Three more stay beside them because they call
 * package-private members here: {@code SupervisorStartup} ({@code AppSupervisor.adopt}),
 * {@code UwsgiPlugin} ({@code PythonIdentity.parse}) and {@code UwsgiServer} (which uses
 * {@code UwsgiPlugin}).
 * <p>
 * Behind the facade, in {@code runtime.internal}: {@code DaemonStarts} and
 * {@code DaemonStops} (the live daemon), {@code CrashWatcher} (crashes, restarts with
 * backoff, out-of-memory kills), {@code CandidateSwitch} and {@code GracefulRestart} (a
 * second daemon beside the live one: upgrade, rollback, restart without a failed
 * request), {@code DaemonAdoption} (daemons that outlived the server, strays of a crash)
 * and {@code SupervisedApps} (each app's state and its {@code DaemonRecord}).
 * {@code DaemonLauncher} launches and stops one daemon; where it listens
 * ({@code DaemonAddresses}), its cgroup ({@code DaemonCgroups}) and its files
 * ({@code DaemonFiles}) are apart from it.
 *
 * <h2>The supervisor's state machine ({@code DaemonLifecycle})</h2>
 *
 * Each app has one state; each transition is a method that refuses a state not listed
 * with an {@code IllegalStateException} ({@code DaemonLifecycleTests} checks every cell).
 * The app's lock is taken for a transition and let go before anything slow: a launch, a
 * stop, a health check. A launch is an attempt with a number; it commits only if it is
 * still current, else the daemon it launched is stopped.
 *
 * <pre>
 * transition   from                          to                   when
 * ----------   ---------------------------   ------------------   -----------------------------------------
 * begin        STOPPED, BACKOFF, FATAL       STARTING             a start on request (a second start while
 *                                                                 STARTING waits for the first; while
 *                                                                 STOPPING it is a conflict)
 * retry        BACKOFF                       STARTING             the restart after a crash, after its delay
 * started      STARTING (current attempt)    RUNNING              the attempt's daemon accepts connections
 * startFailed  STARTING (current attempt)    FATAL                a start on request failed
 * crashed      RUNNING, STARTING             BACKOFF, or FATAL    the live daemon ended, or a restart after
 *                                            when the policy      a crash failed ({@code RestartPolicy}:
 *                                            gives up             backoff doubling, limit within a window)
 * stopping     all but STOPPING              STOPPING             a stop on request, the server's
 *                                                                 stopDaemons, a removal; an attempt under
 *                                                                 way becomes stale
 * stopped      STOPPING                      STOPPED              the daemon has stopped
 * adopted      STOPPED                       RUNNING              a daemon that outlived the server's
 *                                                                 restart is taken over
 * switched     all but STOPPING              RUNNING              a promoted candidate, a graceful restart's
 *                                                                 new daemon or a reverted one goes live; an
 *                                                                 attempt under way becomes stale
 * </pre>
 *
 * The API's state: STOPPED and STOPPING are {@code stopped}, STARTING and BACKOFF
 * {@code starting}, RUNNING {@code running}, FATAL {@code failed}.
 *
 * <h2>One supervision mechanism</h2>
 *
 * {@code Restarter} (public, with {@code RestartPolicy} and the {@code RestartScheduler}
 * bean) is how everything the server keeps running is restarted: each app's daemon (by
 * {@code CrashWatcher}) and the managed web server ({@code mount}). The owner reports
 * that its process ended; the crash counts against the policy (backoff doubling up to a
 * longest delay, a limit within a window) and the owner's relaunch runs after the delay
 * on a thread of its own, under no lock, or the policy gives up (an app goes FATAL, the
 * web server stays failed until the next apply). A stop cancels a scheduled relaunch, an
 * explicit start also forgets the crashes.
 */
@NullMarked
@ApplicationModule(displayName = "Runtime",
		allowedDependencies = { "core", "install", "packaging", "appconfig", "venv", "hooks", "nodes", "isolation" })
package dev.pyapp.server.runtime;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;

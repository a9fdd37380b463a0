package dev.pyapp.server.venv;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.ExecResult;
import dev.pyapp.server.nodes.NodeShell;
import dev.pyapp.server.nodes.ProcessInfo;
import dev.pyapp.server.nodes.RunningProcess;
import dev.pyapp.server.nodes.Signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class InterpreterFinderTests {

	private final CountDownLatch release = new CountDownLatch(1);

	private final AtomicInteger probes = new AtomicInteger();

	private final AtomicInteger running = new AtomicInteger();

	private final AtomicInteger mostAtOnce = new AtomicInteger();

	@Test
	void searchesOnceForEveryoneWhoAsksWhileItRuns() {
		InterpreterFinder finder = finder("/opt/a/python3", "/opt/b/python3", "/opt/c/python3.11");
		CompletableFuture<List<PythonInterpreter>> provisioning = CompletableFuture.supplyAsync(finder::interpreters);
		await().atMost(Duration.ofSeconds(30)).until(() -> this.running.get() > 0);
		CompletableFuture<List<PythonInterpreter>> serverInfo = CompletableFuture.supplyAsync(finder::interpreters);
		this.release.countDown();
		List<PythonInterpreter> first = provisioning.join();
		assertThat(serverInfo.join()).isSameAs(first);
		assertThat(finder.interpreters()).isSameAs(first);
		assertThat(this.probes).hasValue(3);
	}

	@Test
	void probesSeveralCandidatesAtOnceAndKeepsTheirOrder() {
		List<String> candidates = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			candidates.add("/opt/p" + i + "/python3");
		}
		InterpreterFinder finder = finder(candidates.toArray(String[]::new));
		CompletableFuture<List<PythonInterpreter>> found = CompletableFuture.supplyAsync(finder::interpreters);
		await().atMost(Duration.ofSeconds(30)).until(() -> this.running.get() >= 2);
		this.release.countDown();
		// equal versions: the discovery order decides
		assertThat(found.join()).extracting((interpreter) -> interpreter.executable().toString())
			.containsExactlyElementsOf(candidates);
		assertThat(this.mostAtOnce.get()).isBetween(2, 4);
	}

	private InterpreterFinder finder(String... interpreters) {
		PythonProperties properties = new PythonProperties(List.of(interpreters).stream().map(Path::of).toList(),
				"none", Duration.ofMinutes(1), false, 2, Duration.ofSeconds(10), true);
		return new InterpreterFinder(new ProbeShell(), properties,
				org.mockito.Mockito.mock(dev.pyapp.server.nodes.HostIsolation.class));
	}

	/** Answers every probe with its own executable, once released. */
	private final class ProbeShell implements NodeShell {

		@Override
		public ExecResult exec(ExecRequest request) {
			InterpreterFinderTests.this.probes.incrementAndGet();
			int now = InterpreterFinderTests.this.running.incrementAndGet();
			InterpreterFinderTests.this.mostAtOnce.accumulateAndGet(now, Math::max);
			try {
				assertThat(InterpreterFinderTests.this.release.await(30, TimeUnit.SECONDS)).isTrue();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				InterpreterFinderTests.this.running.decrementAndGet();
			}
			return new ExecResult(0, request.command().get(0) + "\n3.11.2\n\n", false);
		}

		@Override
		public RunningProcess start(ExecRequest request) {
			throw new UnsupportedOperationException();
		}

		@Override
		public boolean signal(long pid, Signal signal) {
			throw new UnsupportedOperationException();
		}

		@Override
		public Optional<ProcessInfo> process(long pid) {
			return Optional.empty();
		}

	}

}

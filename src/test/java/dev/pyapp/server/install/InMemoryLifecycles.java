package dev.pyapp.server.install;

import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.pyapp.server.install.internal.LifecycleRepository;

import org.springframework.context.ApplicationEventPublisher;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;

/**
 * Lifecycles stored in a map instead of MongoDB, for unit tests of other modules: a
 * {@link #restarted()} copy reads what was stored, as a server started again would.
 */
public final class InMemoryLifecycles {

	private final Map<String, AppLifecycle> stored = new ConcurrentHashMap<>();

	private final ApplicationEventPublisher events;

	public InMemoryLifecycles(ApplicationEventPublisher events) {
		this.events = events;
	}

	/**
	 * @return a repository of the lifecycles stored so far, as a server starting reads it
	 */
	public AppLifecycles restarted() {
		LifecycleRepository repository = mock(LifecycleRepository.class);
		given(repository.findAll()).willAnswer((call) -> new ArrayList<>(this.stored.values()));
		given(repository.save(any())).willAnswer((call) -> {
			AppLifecycle lifecycle = call.getArgument(0);
			this.stored.put(lifecycle.name(), lifecycle);
			return lifecycle;
		});
		willAnswer((call) -> this.stored.remove((String) call.getArgument(0))).given(repository).deleteById(any());
		return new AppLifecycles(repository, this.events);
	}

}

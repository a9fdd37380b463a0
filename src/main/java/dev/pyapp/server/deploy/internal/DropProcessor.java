package dev.pyapp.server.deploy.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.Sha256;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to one complete file taken from the drop folder: a no-op if the same bytes
 * are live already, else the install; then the move to {@code .done/} or {@code .failed/}
 * with its result.
 */
final class DropProcessor {

	private static final Logger logger = LoggerFactory.getLogger(DropFolderWatcher.class);

	private final DropHandler handler;

	private final DropResultFiles resultFiles;

	private final Clock clock;

	DropProcessor(DropHandler handler, DropResultFiles resultFiles, Clock clock) {
		this.handler = handler;
		this.resultFiles = resultFiles;
		this.clock = clock;
	}

	DropResult process(Path working, String name, Instant completed, Instant pickedUp) {
		String checksum = null;
		Instant started = null;
		DropResult.Outcome outcome;
		String summary;
		List<String> errors = new ArrayList<>();
		String log = null;
		try {
			checksum = Sha256.of(working);
			String live = this.handler.liveReleaseWithChecksum(checksum);
			if (live != null) {
				outcome = DropResult.Outcome.UNCHANGED;
				summary = "already installed: the same file is the live release " + live;
			}
			else if (!DropFolderWatcher.readableZip(working)) {
				outcome = DropResult.Outcome.FAILED;
				summary = "not a zip archive";
				errors.add(name + ": not a zip archive (.pyapp or .zip): its central directory cannot be read");
			}
			else {
				started = this.clock.instant();
				DropHandler.Installed installed = this.handler.install(working, name);
				summary = installed.summary();
				outcome = installed.upgrade() ? DropResult.Outcome.UPGRADED : DropResult.Outcome.INSTALLED;
			}
		}
		catch (PyappException ex) {
			outcome = DropResult.Outcome.FAILED;
			summary = String.valueOf(ex.getMessage());
			ex.getProblems().forEach((problem) -> errors.add(problem.toString()));
			if (errors.isEmpty()) {
				errors.add(summary);
			}
			log = ex.getLog();
		}
		catch (RuntimeException ex) {
			outcome = DropResult.Outcome.FAILED;
			summary = "the install failed";
			errors.add(ex.toString());
			logger.error("Installing {} from the drop folder failed", name, ex);
		}
		Path movedTo = this.resultFiles.finish(working, name, outcome != DropResult.Outcome.FAILED);
		DropResult result = new DropResult(name, checksum, outcome, summary, List.copyOf(errors), log, completed,
				pickedUp, started, this.clock.instant(), movedTo);
		this.resultFiles.writeResult(movedTo, result);
		logger.info("Drop folder: {} {} ({}; picked up {} ms after it was complete)", name, outcome.value, summary,
				result.latency().toMillis());
		return result;
	}

}

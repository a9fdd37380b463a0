package dev.pyapp.server.logs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pyapp.server.core.DeadlineText;
import dev.pyapp.server.logs.internal.NotificationRules;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Matches every collected record against the notification rules and hands each match to
 * the {@link NotificationDispatcher}. It runs on the collecting thread, so a rule's
 * pattern may search one record for at most {@link #PATTERN_BUDGET} (a pattern that takes
 * longer does not match), and the patterns are compiled once per change of the rules.
 */
@Component
class RuleMatcher {

	/** How long a rule's pattern may run on one record, so that ingest never stalls. */
	static final Duration PATTERN_BUDGET = Duration.ofMillis(20);

	private static final Logger logger = LoggerFactory.getLogger(RuleMatcher.class);

	private final NotificationRules rules;

	private final BiConsumer<NotificationRule, LogRecord> sink;

	private volatile Compiled compiled = new Compiled(List.of(), List.of());

	@Autowired
	RuleMatcher(NotificationRules rules, NotificationDispatcher dispatcher, LogCollector collector) {
		this(rules, dispatcher::matched);
		collector.addListener(this::evaluate);
	}

	/**
	 * A matcher that does not listen by itself.
	 * @param rules the rules
	 * @param sink what to do with each match of a rule and a record
	 */
	RuleMatcher(NotificationRules rules, BiConsumer<NotificationRule, LogRecord> sink) {
		this.rules = rules;
		this.sink = sink;
	}

	/**
	 * Hands the record on once for every rule it matches; never throws (the collector's
	 * listeners must not).
	 * @param record a collected record
	 */
	void evaluate(LogRecord record) {
		try {
			for (CompiledRule candidate : compiled()) {
				long deadline = System.nanoTime() + PATTERN_BUDGET.toNanos();
				if (matches(candidate.rule(), candidate.pattern(), record, deadline)) {
					this.sink.accept(candidate.rule(), record);
				}
			}
		}
		catch (RuntimeException ex) {
			// a notification failing must not fail the collecting of records
			logger.warn("Cannot evaluate the notification rules on record {}: {}", record.id(), ex.toString());
		}
	}

	/**
	 * Whether a record matches a rule: of its app (if it names one), at its lowest level
	 * or above, and with its pattern (if any) found in the message or the exception
	 * before the deadline.
	 * @param rule the rule
	 * @param pattern the rule's compiled pattern
	 * @param record the record
	 * @param deadline the {@link System#nanoTime()} at which the search gives up
	 * @return whether it matches
	 */
	static boolean matches(NotificationRule rule, @Nullable Pattern pattern, LogRecord record, long deadline) {
		if (rule.app() != null && !rule.app().equals(record.app())) {
			return false;
		}
		if (record.level().number() < rule.minLevel().number()) {
			return false;
		}
		if (pattern == null) {
			return true;
		}
		try {
			return pattern.matcher(new DeadlineText(record.message(), deadline)).find() || (record.exception() != null
					&& pattern.matcher(new DeadlineText(record.exception(), deadline)).find());
		}
		catch (DeadlineText.TimeoutException ex) {
			return false;
		}
		catch (StackOverflowError ex) {
			// a repeated group on a very long message recurses deeply in
			// java.util.regex: as with a timeout, the rule does not match (the
			// stack unwound, nothing is lost)
			return false;
		}
	}

	private List<CompiledRule> compiled() {
		List<NotificationRule> current = this.rules.rules();
		Compiled compiled = this.compiled;
		// the rules hand out the same list until they change
		if (compiled.source() != current) {
			compiled = compile(current);
			this.compiled = compiled;
		}
		return compiled.rules();
	}

	private static Compiled compile(List<NotificationRule> rules) {
		List<CompiledRule> compiled = new ArrayList<>(rules.size());
		for (NotificationRule rule : rules) {
			try {
				compiled.add(new CompiledRule(rule, (rule.pattern() != null) ? Pattern.compile(rule.pattern()) : null));
			}
			catch (PatternSyntaxException ex) {
				// only a rule stored by hand can get here: rules are checked when added
				logger.warn("Notification rule {} has an invalid pattern and never matches: {}", rule.id(),
						ex.getDescription());
			}
		}
		return new Compiled(rules, List.copyOf(compiled));
	}

	private record CompiledRule(NotificationRule rule, @Nullable Pattern pattern) {
	}

	private record Compiled(List<NotificationRule> source, List<CompiledRule> rules) {
	}

}

package dev.pyapp.server.rpc;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.pyapp.server.security.Role;
import dev.pyapp.server.appconfig.AppConfigurator;
import dev.pyapp.server.appconfig.ConfigSpec;
import dev.pyapp.server.appconfig.Validation;
import dev.pyapp.server.appconfig.ValidationResult;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.rpc.internal.AppParams;
import org.jspecify.annotations.Nullable;

/**
 * {@code config.*}: an app's configuration (SPEC §6, §9). Values travel nested,
 * {@code {section: {field: value}}}; secrets are never returned, only {@code {"set":
 * true|false}}.
 */
@RpcEndpoint
class ConfigRpc {

	private final AppConfigurator configurator;

	ConfigRpc(AppConfigurator configurator) {
		this.configurator = configurator;
	}

	@RpcMethod(value = "config.spec", role = Role.VIEWER, readOnly = true)
	SpecView spec(AppParams params) {
		AppId app = AppId.of(params.name());
		return SpecView.of(app, this.configurator.spec(app));
	}

	@RpcMethod(value = "config.get", role = Role.VIEWER, readOnly = true)
	Values get(AppParams params) {
		AppId app = AppId.of(params.name());
		return new Values(this.configurator.values(app), this.configurator.isComplete(app));
	}

	@RpcMethod(value = "config.validate", role = Role.VIEWER, readOnly = true)
	Validated validate(ValuesParams params) {
		ValidationResult result = this.configurator.validate(AppId.of(params.name()), params.values());
		return new Validated(result.valid(), result.errors().stream().map(ProblemView::of).toList());
	}

	/**
	 * Saves valid values (else -32002 with every error); the app restarts gracefully.
	 */
	@RpcMethod(value = "config.set", role = Role.DEPLOYER)
	Saved set(ValuesParams params) {
		AppId app = AppId.of(params.name());
		Map<String, Map<String, @Nullable Object>> values = this.configurator.set(app, params.values());
		return new Saved(true, values, this.configurator.isComplete(app));
	}

	/**
	 * {@code config.spec}: the spec with every field's widget resolved.
	 *
	 * @param name the app
	 * @param format the spec's format version
	 * @param output {@code yaml} or {@code ini}: the file the app reads
	 * @param sections the sections, in order
	 */
	record SpecView(String name, int format, String output, List<SectionView> sections) {

		static SpecView of(AppId app, ConfigSpec spec) {
			return new SpecView(app.value(), spec.format(), spec.output(),
					spec.sections().stream().map(SectionView::of).toList());
		}

	}

	/**
	 * @param name the section's name
	 * @param label the label shown in a form
	 * @param help a longer explanation, or {@code null}
	 * @param fields the fields, in order
	 */
	record SectionView(String name, String label, @Nullable String help, List<FieldView> fields) {

		static SectionView of(ConfigSpec.Section section) {
			return new SectionView(section.name(), section.label(), section.help(),
					section.fields().stream().map(FieldView::of).toList());
		}

	}

	/**
	 * One field with its widget resolved (SPEC §9 "Config values").
	 *
	 * @param name the field's name
	 * @param widget the widget's name
	 * @param type the base type: {@code string}, {@code integer}, {@code number},
	 * {@code boolean} or {@code list}
	 * @param itemType for a list, the base type of its entries; absent otherwise
	 * @param label the label shown in a form
	 * @param help a longer explanation, or {@code null}
	 * @param required whether the app cannot run without a value
	 * @param secret whether the value is write-only
	 * @param defaultValue the default; {@code null} for a secret, whose default is never
	 * shown
	 * @param hasDefault whether there is a default (of a secret too)
	 * @param options display options, by name
	 * @param validation the rules that are set
	 * @param template the Thymeleaf fragment that renders the field
	 */
	record FieldView(String name, String widget, String type,
			@JsonProperty("item_type") @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String itemType,
			String label, @Nullable String help, boolean required, boolean secret,
			@JsonProperty("default") @Nullable Object defaultValue, @JsonProperty("has_default") boolean hasDefault,
			SortedMap<String, Object> options, ValidationView validation, String template) {

		static FieldView of(ConfigSpec.Field field) {
			return new FieldView(field.name(), field.widget(), field.type().jsonName(),
					(field.itemType() != null) ? field.itemType().jsonName() : null, field.label(), field.help(),
					field.required(), field.secret(), field.secret() ? null : field.defaultValue(),
					field.defaultValue() != null, new TreeMap<>(field.options()), ValidationView.of(field.validation()),
					field.template());
		}

	}

	/**
	 * A field's validation: only the rules that are set are present.
	 *
	 * @param pattern the innermost pattern (the field's own when it sets one), under the
	 * key a spec writes it with (SPEC §2)
	 * @param patternMessage what to tell the person when {@code pattern} does not match
	 * @param patterns every regular expression the whole value must match
	 * @param min the smallest allowed number
	 * @param max the largest allowed number
	 * @param minLength the fewest characters
	 * @param maxLength the most characters
	 * @param minItems the fewest entries of a list
	 * @param maxItems the most entries of a list
	 * @param choices the allowed values
	 * @param validator the name of a built-in validator
	 * @param schemes the URL schemes a {@code url} or {@code origin_pattern} accepts
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record ValidationView(@Nullable String pattern, @JsonProperty("pattern_message") @Nullable String patternMessage,
			@Nullable List<PatternView> patterns, @Nullable Number min, @Nullable Number max,
			@JsonProperty("min_length") @Nullable Integer minLength,
			@JsonProperty("max_length") @Nullable Integer maxLength,
			@JsonProperty("min_items") @Nullable Integer minItems,
			@JsonProperty("max_items") @Nullable Integer maxItems, @Nullable List<Object> choices,
			@Nullable String validator, @Nullable List<String> schemes) {

		static ValidationView of(Validation validation) {
			List<Validation.PatternRule> rules = validation.patterns();
			Validation.PatternRule innermost = rules.isEmpty() ? null : rules.get(rules.size() - 1);
			return new ValidationView((innermost != null) ? innermost.regex() : null,
					(innermost != null) ? innermost.message() : null,
					validation.patterns().isEmpty() ? null
							: validation.patterns().stream().map(PatternView::of).toList(),
					validation.min(), validation.max(), validation.minLength(), validation.maxLength(),
					validation.minItems(), validation.maxItems(), validation.choices(), validation.validator(),
					validation.schemes());
		}

	}

	/**
	 * @param pattern a regular expression (Java syntax) the whole value must match
	 * @param message what to tell the person when it does not; absent for the default
	 */
	record PatternView(String pattern, @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String message) {

		static PatternView of(Validation.PatternRule rule) {
			return new PatternView(rule.regex(), rule.message());
		}

	}

	/**
	 * {@code config.get}.
	 *
	 * @param values nested {@code {section: {field: value}}}, secrets as {@code {"set":
	 * true|false}}
	 * @param complete whether every required setting has a value
	 */
	record Values(Map<String, Map<String, @Nullable Object>> values, boolean complete) {
	}

	/**
	 * {@code config.validate}.
	 *
	 * @param valid whether the values would be saved
	 * @param errors every problem, by {@code section.field} path
	 */
	record Validated(boolean valid, List<ProblemView> errors) {
	}

	/**
	 * {@code config.set}.
	 *
	 * @param saved always {@code true} (invalid values are an error)
	 * @param values the saved values, as {@code config.get} shows them
	 * @param complete whether every required setting has a value
	 */
	record Saved(boolean saved, Map<String, Map<String, @Nullable Object>> values, boolean complete) {
	}

	/**
	 * @param name the app
	 * @param values nested {@code {section: {field: value}}}
	 */
	record ValuesParams(String name, Map<String, Object> values) {
	}

}

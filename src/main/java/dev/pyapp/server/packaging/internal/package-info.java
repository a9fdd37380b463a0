/**
 * The internals of {@code packaging}, which Modulith keeps from other modules: reading a
 * zip archive under the limits ({@code ZipDirectory}, {@code ZipArchive}) or a source
 * directory ({@code SourceDirectory}) with the same path rules ({@code ArchiveLayout}),
 * the parsing of {@code metadata.yaml} ({@code YamlTree}, {@code ManifestParser},
 * {@code ManifestResources}, {@code ManifestSections}) with the PEP 440 and PEP 508
 * checks, the extraction into a release ({@code ReleaseExtractor}), the cache of parsed
 * manifests, checksums, and the module's configuration properties.
 */
@NullMarked
package dev.pyapp.server.packaging.internal;

import org.jspecify.annotations.NullMarked;

/**
 * A secret scanner for build outputs: directories, jars and front-end bundles (minified JavaScript
 * with very long lines included) are streamed in overlapping chunks and matched against provider
 * key rules ({@link dev.guardrails.auth.scan.ScanRule#defaults()}).
 *
 * <p>Entry points: {@link dev.guardrails.auth.scan.SecretScanner} from code and {@link
 * dev.guardrails.auth.scan.SecretScannerMain} from the command line. All types are non-null by
 * default.
 */
@NullMarked
package dev.guardrails.auth.scan;

import org.jspecify.annotations.NullMarked;

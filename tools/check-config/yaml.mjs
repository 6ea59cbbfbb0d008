// js-yaml (a pinned root dev dependency): YAML 1.2 with merge keys (<<), as Compose reads its file.
import yaml from 'js-yaml';

/** Parses one YAML document; duplicate keys are an error, as in Compose. */
export function loadYaml(text) {
  return yaml.load(text);
}

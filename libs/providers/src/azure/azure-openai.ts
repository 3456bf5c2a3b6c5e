import type { ProviderDescription } from '../description/provider-description';
import { withModel } from '../requests/model.rewriter';
import { upstreamPathAndQuery, type UpstreamBase } from '../routes/upstream-url';

/**
 * Azure OpenAI's differences from OpenAI, as pure functions of an instance's configuration: which header its keys go
 * in, and where its classic deployment URLs point. The request path calls them where it computes an upstream target
 * and a credential; nothing here runs for a plain OpenAI instance.
 */

/** How pool keys go upstream: `Authorization: Bearer <key>` (OpenAI, Azure's v1 endpoint, Entra ID tokens) or `api-key: <key>`. */
export type UpstreamAuth = 'bearer' | 'api-key';

/** Azure's classic URL form: `/openai/deployments/{deployment}/…?api-version=…`. */
export interface AzureDeploymentForm {
  apiVersion: string;
  /** Model a client names → the deployment serving it; a model not listed is taken for a deployment name. */
  deployments: Readonly<Record<string, string>>;
}

/** The newest API version of the classic form that serves chat completions, embeddings and the Responses API. */
export const AZURE_DEFAULT_API_VERSION = '2025-04-01-preview';

/**
 * The description of an OpenAI-type instance as configured: with `auth: api-key` its keys (pool, stored and the
 * client's own) go in `api-key`; an Azure key has no `sk-` prefix, so saved keys are not held to OpenAI's; on the
 * deployment form a key is checked against `/openai/models`. A plain OpenAI instance keeps `base` itself.
 */
export function azureOpenaiDescription(base: ProviderDescription, auth: UpstreamAuth, form: AzureDeploymentForm | undefined): ProviderDescription {
  if (auth === 'bearer' && !form) return base;
  return {
    ...base,
    ...(auth === 'api-key' ? { credentialHeader: 'api-key', clientCredentialHeaders: ['api-key', 'authorization'] } : {}),
    keyFormat: { prefix: '', vendor: 'an Azure OpenAI' },
    keyCheck: form ? { path: azureDeploymentPath(form, base.keyCheck.path, undefined), headers: base.keyCheck.headers } : base.keyCheck,
  };
}

/** The deployment that serves `model`: the configured one, else the model name itself. */
export function deploymentOf(form: AzureDeploymentForm, model: string): string {
  return Object.hasOwn(form.deployments, model) ? form.deployments[model] : model;
}

/** OpenAI paths that Azure's classic form serves per deployment; every other path is under `/openai` as is. */
const DEPLOYMENT_SCOPED_PATHS: ReadonlySet<string> = new Set(['/chat/completions', '/embeddings']);

/**
 * The classic-form path and query (relative to the resource endpoint) of an OpenAI path: `/chat/completions` and
 * `/embeddings` of `model` → `/openai/deployments/{deployment}/…`; anything else (`/responses`, whose deployment is
 * the body's model, `/models`, `/responses/{id}`) → `/openai/…`; always with `api-version`.
 */
export function azureDeploymentPath(form: AzureDeploymentForm, openaiPath: string, model: string | undefined): string {
  const apiVersion = `api-version=${encodeURIComponent(form.apiVersion)}`;
  if (model !== undefined && DEPLOYMENT_SCOPED_PATHS.has(openaiPath)) {
    return `/openai/deployments/${encodeURIComponent(deploymentOf(form, model))}${openaiPath}?${apiVersion}`;
  }
  return `/openai${openaiPath}?${apiVersion}`;
}

/** `azureDeploymentPath` under the instance's base URL, with the client's own query (if any) after `api-version`. */
export function azureDeploymentTarget(base: UpstreamBase, form: AzureDeploymentForm, openaiPath: string, model: string | undefined, search = ''): string {
  const pathAndQuery = azureDeploymentPath(form, openaiPath, model);
  const question = pathAndQuery.indexOf('?');
  const requestQuery = search.startsWith('?') ? search.slice(1) : search;
  const query = requestQuery ? `${pathAndQuery.slice(question + 1)}&${requestQuery}` : pathAndQuery.slice(question + 1);
  return upstreamPathAndQuery(base, pathAndQuery.slice(0, question), query);
}

/**
 * The body `model` a classic-form instance takes for `model` on an OpenAI path: on the Responses API the deployment
 * (Azure finds it there), elsewhere the model itself (its deployment is in the path).
 */
export function azureBodyModel(form: AzureDeploymentForm, openaiPath: string, model: string): string {
  return openaiPath === RESPONSES_PATH ? deploymentOf(form, model) : model;
}

/** What goes to a classic-form instance for an OpenAI request of `model`: the path and query, and the body. */
export interface AzureDeploymentRequest {
  path: string;
  body: Buffer;
}

/**
 * An OpenAI request as a classic-form instance takes it for `model`: the deployment's URL, and the body with its
 * top-level `model` replaced where `azureBodyModel` differs (the same bytes otherwise). A direct request and an alias
 * target both go through here.
 */
export function azureDeploymentRequest(base: UpstreamBase, form: AzureDeploymentForm, openaiPath: string, model: string, body: Buffer, search = ''): AzureDeploymentRequest {
  const bodyModel = azureBodyModel(form, openaiPath, model);
  return {
    path: azureDeploymentTarget(base, form, openaiPath, model, search),
    body: bodyModel === model ? body : (withModel(body, bodyModel) ?? body),
  };
}

const RESPONSES_PATH = '/responses';

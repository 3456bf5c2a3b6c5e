// Validates rendered objects against the Kubernetes OpenAPI schemas compiled into the `kubernetes-models` package
// (types, required fields, enums, formats; the schemas do not reject unknown fields). That package ships ES modules
// for the "import" condition only, so a jest file importing this module needs
// `@jest-environment-options {"customExportConditions": ["node", "import"]}`.
import { validate as validateDeployment } from 'kubernetes-models/_schemas/IoK8sApiAppsV1Deployment';
import { validate as validateHorizontalPodAutoscaler } from 'kubernetes-models/_schemas/IoK8sApiAutoscalingV2HorizontalPodAutoscaler';
import { validate as validateJob } from 'kubernetes-models/_schemas/IoK8sApiBatchV1Job';
import { validate as validateConfigMap } from 'kubernetes-models/_schemas/IoK8sApiCoreV1ConfigMap';
import { validate as validateNamespace } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Namespace';
import { validate as validateSecret } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Secret';
import { validate as validateService } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Service';
import { validate as validatePodDisruptionBudget } from 'kubernetes-models/_schemas/IoK8sApiPolicyV1PodDisruptionBudget';
import { describeObject, type KubeObject } from './kustomize.runner';

/** A compiled (ajv standalone) schema: returns whether the data is valid and leaves the reasons on `.errors`. */
type SchemaValidator = (data: unknown) => boolean;

// Every kind the manifests use. A kind missing here is reported, so a new kind cannot slip through unvalidated.
const SCHEMAS: Record<string, SchemaValidator> = {
  'v1/Namespace': validateNamespace,
  'v1/ConfigMap': validateConfigMap,
  'v1/Secret': validateSecret,
  'v1/Service': validateService,
  'apps/v1/Deployment': validateDeployment,
  'batch/v1/Job': validateJob,
  'autoscaling/v2/HorizontalPodAutoscaler': validateHorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': validatePodDisruptionBudget,
};

interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
}

/** One line per schema violation, naming the object and the field; empty when everything validates. */
export function validateAgainstSchemas(objects: KubeObject[]): string[] {
  const problems: string[] = [];
  for (const object of objects) {
    const validate = SCHEMAS[`${object.apiVersion}/${object.kind}`];
    if (!validate) {
      problems.push(`${describeObject(object)}: no schema registered for ${object.apiVersion} ${object.kind}`);
      continue;
    }
    if (validate(object)) continue;
    const errors = (validate as { errors?: SchemaError[] | null }).errors ?? [];
    for (const error of errors) problems.push(`${describeObject(object)}: ${error.instancePath || '/'} ${describeSchemaError(error)}`);
    if (errors.length === 0) problems.push(`${describeObject(object)}: does not match its schema`);
  }
  return problems;
}

// The compiled validators leave no message text, only the failed keyword and its parameters.
function describeSchemaError({ keyword, params }: SchemaError): string {
  switch (keyword) {
    case 'type':
      return `must be ${String(params.type)}`;
    case 'required':
      return `must have the field ${String(params.missingProperty)}`;
    case 'enum':
      return `must be one of ${JSON.stringify(params.allowedValues)}`;
    case 'format':
      return `must be a valid ${String(params.format)}`;
    default:
      return `fails ${keyword} ${JSON.stringify(params)}`;
  }
}

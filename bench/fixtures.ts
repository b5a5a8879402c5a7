// The kustomizations `npm run bench` builds: the small ones most people run (start-up decides
// their time), a large CRD file, and generated trees for scaling.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

function deployment(name: string, app: string, role: string, image: string, port: number, replicas: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels:
    app: ${app}
    role: ${role}
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: ${app}
      role: ${role}
  template:
    metadata:
      labels:
        app: ${app}
        role: ${role}
    spec:
      containers:
      - name: ${role}
        image: ${image}
        resources:
          requests:
            cpu: 100m
            memory: 100Mi
        ports:
        - containerPort: ${port}
`;
}

function service(name: string, app: string, role: string, port: number): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  labels:
    app: ${app}
    role: ${role}
spec:
  ports:
  - port: ${port}
    targetPort: ${port}
  selector:
    app: ${app}
    role: ${role}
`;
}

/**
 * Kubernetes' guestbook (frontend, redis leader and followers: three Deployments, three Services)
 * under a staging overlay; `tabs`: every line ends with a tab, as editors leave them.
 */
export function guestbook(root: string, tabs = false): string {
  const files: Record<string, string> = {
    'base/frontend-deployment.yaml': deployment('frontend', 'guestbook', 'frontend', 'us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5', 80, 3),
    'base/frontend-service.yaml': service('frontend', 'guestbook', 'frontend', 80),
    'base/redis-leader-deployment.yaml': deployment('redis-leader', 'redis', 'leader', 'docker.io/redis:6.0.5', 6379, 1),
    'base/redis-leader-service.yaml': service('redis-leader', 'redis', 'leader', 6379),
    'base/redis-follower-deployment.yaml': deployment('redis-follower', 'redis', 'follower', 'us-docker.pkg.dev/google-samples/containers/gke/gb-redis-follower:v2', 6379, 2),
    'base/redis-follower-service.yaml': service('redis-follower', 'redis', 'follower', 6379),
    'overlay/kustomization.yaml': 'resources:\n- ../base\nnamespace: guestbook\nnamePrefix: staging-\nlabels:\n- pairs:\n    env: staging\nimages:\n- name: docker.io/redis\n  newTag: 6.2.14\n',
  };
  files['base/kustomization.yaml'] = `resources:\n${Object.keys(files)
    .filter((f) => f.startsWith('base/'))
    .map((f) => `- ${f.slice('base/'.length)}\n`)
    .join('')}`;
  if (tabs) for (const f of Object.keys(files)) files[f] = files[f]!.replace(/\n/g, '\t\n');
  write(root, files);
  return join(root, 'overlay');
}

/** A web app of five objects, a generated ConfigMap and Secret, a production overlay with a strategic-merge and a JSON patch. */
export function typicalOverlay(root: string): string {
  write(root, {
    'base/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  replicas: 1
  selector:
    matchLabels:
      app: shop
  template:
    metadata:
      labels:
        app: shop
    spec:
      serviceAccountName: shop
      containers:
      - name: shop
        image: ghcr.io/example/shop:1.4.2
        envFrom:
        - configMapRef:
            name: shop-config
        env:
        - name: DB_PASSWORD
          valueFrom:
            secretKeyRef:
              name: shop-db
              key: password
        ports:
        - name: http
          containerPort: 8080
        readinessProbe:
          httpGet:
            path: /healthz
            port: http
`,
    'base/service.yaml': service('shop', 'shop', 'web', 8080).replace(/\n {4}role: web/g, ''),
    'base/ingress.yaml': `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: shop
            port:
              number: 8080
`,
    'base/serviceaccount.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: shop\n',
    'base/hpa.yaml': `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: shop
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: shop
  minReplicas: 2
  maxReplicas: 10
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 70
`,
    'base/app.properties': 'cache.size=512\nfeature.checkout=true\n',
    'base/kustomization.yaml': `resources:
- deployment.yaml
- service.yaml
- ingress.yaml
- serviceaccount.yaml
- hpa.yaml
labels:
- pairs:
    app.kubernetes.io/name: shop
configMapGenerator:
- name: shop-config
  files:
  - app.properties
  literals:
  - LOG_LEVEL=info
`,
    'production/kustomization.yaml': `resources:
- ../base
namespace: shop-production
labels:
- pairs:
    env: production
images:
- name: ghcr.io/example/shop
  newTag: 1.5.0
configMapGenerator:
- name: shop-config
  behavior: merge
  literals:
  - LOG_LEVEL=warn
secretGenerator:
- name: shop-db
  literals:
  - password=not-a-real-password
patches:
- path: resources.yaml
- target:
    kind: Ingress
    name: shop
  patch: |-
    - op: replace
      path: /spec/rules/0/host
      value: shop.example.org
`,
    'production/resources.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: shop
        resources:
          limits:
            memory: 512Mi
`,
  });
  return join(root, 'production');
}

/**
 * One large CRD file: Argo CD's ApplicationSet CRD (1.4 MB) from ../shared/crds when present,
 * else 20 generated CRDs with wide schemas (about 1.3 MB).
 */
export function largeCrd(root: string, sharedCrd: string | undefined): { dir: string; label: string } {
  let text: string;
  let label: string;
  if (sharedCrd && existsSync(sharedCrd)) {
    text = readFileSync(sharedCrd, 'utf8');
    label = `a large CRD file (Argo CD ApplicationSet, ${(text.length / 1e6).toFixed(1)} MB)`;
  } else {
    const docs: string[] = [];
    for (let i = 0; i < 20; i++) {
      let props = '';
      for (let j = 0; j < 300; j++) {
        props += `              field${j}:\n                description: Field ${j} of thing ${i}; a long description of what it does, which wraps past eighty columns in the output.\n                type: string\n`;
      }
      docs.push(
        `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: things${i}.example.com\nspec:\n  group: example.com\n  names:\n    kind: Thing${i}\n    plural: things${i}\n  scope: Namespaced\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n        properties:\n          spec:\n            type: object\n            properties:\n${props}`,
      );
    }
    text = docs.join('---\n');
    label = `a large CRD file (20 generated CRDs, ${(text.length / 1e6).toFixed(1)} MB)`;
  }
  write(root, { 'crds.yaml': text, 'kustomization.yaml': 'resources:\n- crds.yaml\n' });
  return { dir: root, label };
}

// The layering rules of STYLE.md, checked by `npm run lint` (scripts/depcruise.mjs) over apps,
// libs and migrations. README ("Architecture") says each rule in words; scripts/check-lint-rules.mjs
// proves each one fires on a deliberate violation.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-stays-inward',
      comment: "A lib's domain/ is plain TypeScript: it imports nothing from its application/, infrastructure/ or jobs/.",
      severity: 'error',
      from: { path: '^libs/[^/]+/src/domain/' },
      to: { path: '^libs/[^/]+/src/(application|infrastructure|jobs)/' },
    },
    {
      name: 'domain-without-frameworks',
      comment: "A lib's domain/ knows neither Nest nor TypeORM (nor the Nest-flavoured wrappers of either).",
      severity: 'error',
      from: { path: '^libs/[^/]+/src/domain/' },
      to: { path: '(^|/)node_modules/(@nestjs/|typeorm/|nestjs-)' },
    },
    {
      name: 'libs-through-index',
      comment: 'One lib reaches another only through its door, @genbot/<lib> (libs/<lib>/src/index.ts), never by a relative path into its folders.',
      severity: 'error',
      // The jest global setup (libs/testing/src/jest) is loaded without the path aliases; it may
      // reach core's migration runner by path.
      from: { path: '^libs/([^/]+)/', pathNot: '^libs/testing/src/jest/' },
      to: { path: '^libs/', pathNot: ['^libs/$1/', '^libs/[^/]+/src/index\\.ts$'] },
    },
    {
      name: 'core-knows-nobody',
      comment:
        'libs/core is what every lib builds on: it imports no other lib, no app and no migration; each lib hands core what it needs (error statuses, setting defaults, migrations).',
      severity: 'error',
      from: { path: '^libs/core/' },
      to: { path: '^(libs/(?!core/)|apps/|migrations/)', pathNot: '^libs/testing/src/index\\.ts$' },
    },
    {
      name: 'core-code-knows-nobody',
      comment: "Core's own code (its tests aside, which may use @genbot/testing) imports no other lib at all.",
      severity: 'error',
      from: { path: '^libs/core/', pathNot: '\\.(spec|int-spec|e2e-spec)\\.ts$' },
      to: { path: '^libs/testing/' },
    },
    {
      name: 'apps-through-index',
      comment: "Apps (and migrations/) use a lib only through @genbot/<lib>; an app never reaches into a lib's folders.",
      severity: 'error',
      from: { path: '^(apps|migrations)/' },
      to: { path: '^libs/', pathNot: '^libs/[^/]+/src/index\\.ts$' },
    },
    {
      name: 'sandbox-on-demand',
      comment:
        'libs/sandbox (the local Telegram of `npm start` with no bot token) is loaded only by a dynamic import, so that a real bot loads none of it; tests and type-only imports aside.',
      severity: 'error',
      from: { path: '^(apps|libs)/', pathNot: ['^libs/(sandbox|testing)/', '\\.(spec|int-spec|e2e-spec)\\.ts$', '/test/'] },
      to: { path: '^libs/sandbox/', dependencyTypesNot: ['dynamic-import', 'type-only'] },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles (type-only imports aside: they vanish at compile time).',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: '(^|/)node_modules/' },
    exclude: { path: '^(dist|\\.data)/' },
    // `import type` counts for the layering rules: a domain that names a TypeORM type still depends on it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};

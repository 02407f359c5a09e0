import type { Rule } from 'eslint';

declare const plugin: { rules: { 'no-visible-literal': Rule.RuleModule } };
export default plugin;

// psparse.mjs - read PowerShell scripts with a real PowerShell grammar
// (tree-sitter-powershell, run by web-tree-sitter from its WASM build) and
// print, per script, what it holds, one item a line: "file PATH", then
// "error ROW:COL: ..." per syntax error, "command NAME LINE stop|nostop" per
// command it can call (at any depth: blocks, pipelines, $(...) in strings;
// stop: it has -ErrorAction Stop), "operator ..." per & or . invocation,
// "method NAME" per .NET method called and "type NAME" per type named. The
// test compares these with what each script is allowed to do.
//
//   node --liftoff-only psparse.mjs NODE_MODULES_DIR SCRIPT...
//
// (--liftoff-only: V8's optimising compiler would recompile the 1 MB
// grammar in the background, and node waits some twenty seconds for it at
// exit; the baseline compiler alone parses these scripts in well under a
// second.)
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const [modules, ...files] = process.argv.slice(2);
if (!modules || files.length === 0) {
	console.error('usage: node psparse.mjs NODE_MODULES_DIR SCRIPT...');
	process.exit(2);
}
const require = createRequire(path.join(path.resolve(modules), 'x.js'));
const { Parser, Language } = await import(require.resolve('web-tree-sitter'));
await Parser.init();
const grammar = path.join(path.dirname(require.resolve('tree-sitter-powershell/package.json')),
    'tree-sitter-powershell.wasm');
const language = await Language.load(grammar);
const parser = new Parser();
parser.setLanguage(language);

for (const file of files) {
	const text = fs.readFileSync(file, 'utf8');
	const tree = parser.parse(text);
	const out = { file, errors: [], commands: [], operators: [], methods: [], types: [] };
	// A cursor walk: node objects are made only for the nodes looked at.
	const look = (n) => {
		if (n.type === 'command') {
			const name = n.children.find((c) => c.type === 'command_name' ||
			    c.type === 'command_name_expr');
			const op = n.children.find((c) => c.type === 'command_invokation_operator');
			if (op)
				out.operators.push(`${n.startPosition.row + 1}: ${op.text} ${name ? name.text : ''}`);
			const elems = n.children.find((c) => c.type === 'command_elements');
			const args = elems ? elems.children.filter((c) => c.type !== 'command_argument_sep') : [];
			let stop = false;
			for (let i = 0; i + 1 < args.length; i++)
				if (args[i].type === 'command_parameter' &&
				    args[i].text.toLowerCase() === '-erroraction' &&
				    args[i + 1].text === 'Stop')
					stop = true;
			out.commands.push({ name: name ? name.text : '', line: n.startPosition.row + 1, stop });
		} else if (n.type === 'invokation_expression') {
			const m = n.children.find((c) => c.type === 'member_name');
			if (m)
				out.methods.push(m.text);
		} else if (n.type === 'type_literal')
			out.types.push(n.text);
	};
	const wanted = new Set(['command', 'invokation_expression', 'type_literal']);
	const errors = tree.rootNode.hasError;
	const cursor = tree.walk();
	for (;;) {
		if (wanted.has(cursor.nodeType))
			look(cursor.currentNode);
		if (errors) {
			const n = cursor.currentNode;
			if (n.isError || n.isMissing)
				out.errors.push(`${n.startPosition.row + 1}:${n.startPosition.column + 1}: ` +
				    (n.isMissing ? `missing ${n.type}` : `syntax error at ${JSON.stringify(n.text.slice(0, 40))}`));
		}
		if (cursor.gotoFirstChild())
			continue;
		while (!cursor.gotoNextSibling())
			if (!cursor.gotoParent())
				break;
		if (cursor.nodeId === tree.rootNode.id)
			break;
	}
	if (errors && out.errors.length === 0)
		out.errors.push('the parser reports an error it did not place');
	const lines = [`file ${file}`];
	for (const e of out.errors) lines.push(`error ${e}`);
	for (const c of out.commands) lines.push(`command ${c.name} ${c.line} ${c.stop ? 'stop' : 'nostop'}`);
	for (const o of out.operators) lines.push(`operator ${o}`);
	for (const m of out.methods) lines.push(`method ${m}`);
	for (const t of out.types) lines.push(`type ${t}`);
	console.log(lines.join('\n'));
}

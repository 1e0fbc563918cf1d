//! The template language end to end: parse and render.

use serde_json::{json, Value};

use super::*;

fn r(t: &str, v: &Value) -> String {
    render(t, v).unwrap_or_else(|e| panic!("{t}: {e}"))
}

#[test]
fn fields_json_and_dot() {
    let v = json!({"A": {"B": "x"}, "N": 3, "L": ["a", "b"], "M": {"k": "v"}});
    assert_eq!(r("{{.A.B}}-{{.N}}", &v), "x-3");
    assert_eq!(r("{{json .A}}", &v), r#"{"B":"x"}"#);
    assert_eq!(r("{{.A | json}}", &v), r#"{"B":"x"}"#);
    assert_eq!(r("{{.L}} {{.M}}", &v), "[a b] map[k:v]");
    assert_eq!(r("{{.}}", &json!("s")), "s");
    assert_eq!(r("{{$.N}}", &v), "3");
}

#[test]
fn range_if_with() {
    let v = json!({"L": ["a", "b"], "M": {"x": "1", "y": "2"}, "E": [], "T": true});
    assert_eq!(r("{{range .L}}<{{.}}>{{end}}", &v), "<a><b>");
    assert_eq!(
        r("{{range $i, $e := .L}}{{$i}}={{$e}} {{end}}", &v),
        "0=a 1=b "
    );
    assert_eq!(
        r("{{range $k, $v := .M}}{{$k}}:{{$v}};{{end}}", &v),
        "x:1;y:2;"
    );
    assert_eq!(r("{{range .E}}x{{else}}empty{{end}}", &v), "empty");
    assert_eq!(r("{{if .T}}yes{{else}}no{{end}}", &v), "yes");
    assert_eq!(r("{{if .E}}yes{{else if .T}}elif{{end}}", &v), "elif");
    assert_eq!(r("{{with .M}}{{.x}}{{end}}", &v), "1");
    assert_eq!(r("a {{- \" b \" -}} c", &v), "a b c");
}

#[test]
fn functions() {
    let v = json!({"M": {"k.e": "v"}, "L": ["a", "b"], "S": "hello world", "N": 5});
    assert_eq!(r(r#"{{index .M "k.e"}}"#, &v), "v");
    assert_eq!(r(r#"{{join .L ","}}"#, &v), "a,b");
    assert_eq!(
        r("{{upper .S}} {{lower \"AB\"}} {{title .S}}", &v),
        "HELLO WORLD ab Hello World"
    );
    assert_eq!(
        r(r#"{{printf "%-6s|%3d|%q" "ab" .N "x"}}"#, &v),
        "ab    |  5|\"x\""
    );
    assert_eq!(r("{{println .N}}", &v), "5\n");
    assert_eq!(r("{{len .L}} {{len .S}}", &v), "2 11");
    assert_eq!(r("{{if eq .N 5}}five{{end}}", &v), "five");
    assert_eq!(r("{{truncate .S 5}}", &v), "hello");
    assert_eq!(
        r(r#"{{(split .S " ") | json}}"#, &v),
        r#"["hello","world"]"#
    );
}

#[test]
fn bad_templates_are_one_line_errors() {
    for t in [
        "{{.A",
        "{{if .A}}x",
        "{{end}}",
        "{{nosuch .A}}",
        "{{\"x}}",
        "{{range 3}}{{end}}",
    ] {
        let e = render(t, &json!({"A": 1})).unwrap_err().to_string();
        assert!(!e.contains('\n'), "{t}: {e}");
    }
}

#[test]
fn fields_pipelines_and_functions() {
    let v = json!({"State": {"Status": "running"}, "Names": ["a", "b"], "Labels": {"x": "1", "y": "2"}, "N": 3});
    assert_eq!(r("{{.State.Status}}", &v), "running");
    assert_eq!(r("{{json .State}}", &v), r#"{"Status":"running"}"#);
    assert_eq!(r("{{.State | json}}", &v), r#"{"Status":"running"}"#);
    assert_eq!(r("{{join .Names \",\"}}", &v), "a,b");
    assert_eq!(r("{{range .Names}}<{{.}}>{{end}}", &v), "<a><b>");
    assert_eq!(
        r("{{range $k, $v := .Labels}}{{$k}}={{$v}};{{end}}", &v),
        "x=1;y=2;"
    );
    assert_eq!(r("{{index .Labels \"y\"}}", &v), "2");
    assert_eq!(
        r(
            "{{if eq .State.Status \"running\"}}up{{else}}down{{end}}",
            &v
        ),
        "up"
    );
    assert_eq!(
        r(
            "{{if gt .N 5}}big{{else if gt .N 2}}mid{{else}}small{{end}}",
            &v
        ),
        "mid"
    );
    assert_eq!(r("{{upper .State.Status}} {{len .Names}}", &v), "RUNNING 2");
    assert_eq!(r("{{printf \"%-5s|\" .State.Status}}", &v), "running|");
    assert_eq!(r("{{with .State}}{{.Status}}{{end}}", &v), "running");
    assert_eq!(r("{{.Missing}}", &v), "<no value>");
    assert_eq!(r("{{.Names}} {{.Labels}}", &v), "[a b] map[x:1 y:2]");
    assert_eq!(r("a\\tb", &v), "a\tb");
}

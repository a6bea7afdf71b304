//! Usergrid's query language, the subset API.md section 5 decides: `[select *] [where] <cond>
//! [and|or <cond>…] [order by <prop> [asc|desc]]`, `and` binding tighter than `or`, parentheses
//! grouping, comparisons `= < > <= >=` and `contains` (case-insensitive on words: `'ann*'` a
//! word prefix, `'ann'` a whole word) on `username, name, email, activated, disabled, created,
//! modified`. A real tokenizer and a recursive-descent parser: anything else is an error, never
//! passed on. The parsed query becomes SQL with bound parameters.

/// How deep parentheses may nest: a query cannot exhaust the stack.
const MAX_DEPTH: usize = 32;
/// The most conditions one query may hold.
const MAX_CONDITIONS: usize = 64;

/// A property a query can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prop {
    Username,
    Name,
    Email,
    Activated,
    Disabled,
    Created,
    Modified,
}

/// What kind of value a property holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Type {
    Text,
    Bool,
    Number,
}

impl Prop {
    fn parse(word: &str) -> Option<Prop> {
        Some(match word.to_ascii_lowercase().as_str() {
            "username" => Prop::Username,
            "name" => Prop::Name,
            "email" => Prop::Email,
            "activated" => Prop::Activated,
            "disabled" => Prop::Disabled,
            "created" => Prop::Created,
            "modified" => Prop::Modified,
            _ => return None,
        })
    }

    /// The column it is stored in.
    pub fn column(self) -> &'static str {
        match self {
            Prop::Username => "username",
            Prop::Name => "name",
            Prop::Email => "email",
            Prop::Activated => "activated",
            Prop::Disabled => "disabled",
            Prop::Created => "created",
            Prop::Modified => "modified",
        }
    }

    fn kind(self) -> Type {
        match self {
            Prop::Username | Prop::Name | Prop::Email => Type::Text,
            Prop::Activated | Prop::Disabled => Type::Bool,
            Prop::Created | Prop::Modified => Type::Number,
        }
    }
}

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Lt,
    Gt,
    Le,
    Ge,
    Contains,
}

/// A literal.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Text(String),
    Number(i64),
    Bool(bool),
}

/// A condition tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Cond(Prop, Op, Literal),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Query {
    pub filter: Option<Expr>,
    /// (property, descending); None: creation order.
    pub order: Option<(Prop, bool)>,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Text(String),
    Number(i64),
    Star,
    Open,
    Close,
    Cmp(Op),
}

/// Splits a query into tokens; what it cannot read is an error saying where.
fn tokens(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        match c {
            c if c.is_whitespace() => at += 1,
            '*' => {
                out.push(Token::Star);
                at += 1;
            }
            '(' => {
                out.push(Token::Open);
                at += 1;
            }
            ')' => {
                out.push(Token::Close);
                at += 1;
            }
            '=' => {
                out.push(Token::Cmp(Op::Eq));
                at += 1;
            }
            '<' | '>' => {
                let or_equal = chars.get(at + 1) == Some(&'=');
                out.push(Token::Cmp(match (c, or_equal) {
                    ('<', false) => Op::Lt,
                    ('<', true) => Op::Le,
                    ('>', false) => Op::Gt,
                    _ => Op::Ge,
                }));
                at += if or_equal { 2 } else { 1 };
            }
            '\'' => {
                // A quoted string: \' and \\ escape, as does a doubled quote.
                let mut text = String::new();
                at += 1;
                loop {
                    match chars.get(at) {
                        None => return Err("a quoted string is not closed".into()),
                        Some('\\') => match chars.get(at + 1) {
                            Some(&next) => {
                                text.push(next);
                                at += 2;
                            }
                            None => return Err("a quoted string is not closed".into()),
                        },
                        Some('\'') if chars.get(at + 1) == Some(&'\'') => {
                            text.push('\'');
                            at += 2;
                        }
                        Some('\'') => {
                            at += 1;
                            break;
                        }
                        Some(&other) => {
                            text.push(other);
                            at += 1;
                        }
                    }
                }
                out.push(Token::Text(text));
            }
            c if c.is_ascii_digit()
                || (c == '-' && chars.get(at + 1).is_some_and(char::is_ascii_digit)) =>
            {
                let start = at;
                at += 1;
                while chars.get(at).is_some_and(char::is_ascii_digit) {
                    at += 1;
                }
                let digits: String = chars[start..at].iter().collect();
                out.push(Token::Number(digits.parse().map_err(|_| {
                    format!("{digits} is not a number the query can hold")
                })?));
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let start = at;
                while chars
                    .get(at)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
                {
                    at += 1;
                }
                out.push(Token::Word(chars[start..at].iter().collect()));
            }
            other => return Err(format!("unexpected {other:?}")),
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    conditions: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(w)) if w.eq_ignore_ascii_case(word))
    }

    fn eat_keyword(&mut self, word: &str) -> bool {
        let found = self.keyword(word);
        if found {
            self.at += 1;
        }
        found
    }

    fn expr(&mut self, depth: usize) -> Result<Expr, String> {
        let mut left = self.and_expr(depth)?;
        while self.eat_keyword("or") {
            let right = self.and_expr(depth)?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and_expr(&mut self, depth: usize) -> Result<Expr, String> {
        let mut left = self.primary(depth)?;
        while self.eat_keyword("and") {
            let right = self.primary(depth)?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn primary(&mut self, depth: usize) -> Result<Expr, String> {
        if self.peek() == Some(&Token::Open) {
            if depth >= MAX_DEPTH {
                return Err(format!("parentheses nest more than {MAX_DEPTH} deep"));
            }
            self.at += 1;
            let inner = self.expr(depth + 1)?;
            if self.peek() != Some(&Token::Close) {
                return Err("a parenthesis is not closed".into());
            }
            self.at += 1;
            return Ok(inner);
        }
        let prop = match self.peek() {
            Some(Token::Word(word)) => {
                Prop::parse(word).ok_or_else(|| format!("{word:?} is not a property of users"))?
            }
            other => return Err(format!("expected a property, found {other:?}")),
        };
        self.at += 1;
        let op = if self.eat_keyword("contains") {
            Op::Contains
        } else {
            match self.peek() {
                Some(Token::Cmp(op)) => {
                    let op = *op;
                    self.at += 1;
                    op
                }
                other => return Err(format!("expected a comparison, found {other:?}")),
            }
        };
        let literal = match self.peek() {
            Some(Token::Text(text)) => Literal::Text(text.clone()),
            Some(Token::Number(n)) => Literal::Number(*n),
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("true") => Literal::Bool(true),
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("false") => Literal::Bool(false),
            other => return Err(format!("expected a value, found {other:?}")),
        };
        self.at += 1;
        let fits = match (prop.kind(), &literal, op) {
            (Type::Text, Literal::Text(_), _) => true,
            (_, _, Op::Contains) => false,
            (Type::Bool, Literal::Bool(_), Op::Eq) => true,
            (Type::Number, Literal::Number(_), _) => true,
            _ => false,
        };
        if !fits {
            return Err(format!("{} cannot be compared that way", prop.column()));
        }
        self.conditions += 1;
        if self.conditions > MAX_CONDITIONS {
            return Err(format!("at most {MAX_CONDITIONS} conditions"));
        }
        Ok(Expr::Cond(prop, op, literal))
    }
}

/// Parses a query; the error says what it could not read.
pub fn parse(text: &str) -> Result<Query, String> {
    let mut parser = Parser {
        tokens: tokens(text)?,
        at: 0,
        conditions: 0,
    };
    if parser.eat_keyword("select") {
        if parser.peek() != Some(&Token::Star) {
            return Err("only select * is supported".into());
        }
        parser.at += 1;
    }
    let mut query = Query::default();
    let conditions_follow =
        parser.eat_keyword("where") || !(parser.peek().is_none() || parser.keyword("order"));
    if conditions_follow {
        query.filter = Some(parser.expr(0)?);
    }
    if parser.eat_keyword("order") {
        if !parser.eat_keyword("by") {
            return Err("order must be followed by by".into());
        }
        let prop = match parser.peek() {
            Some(Token::Word(word)) => {
                Prop::parse(word).ok_or_else(|| format!("cannot order by {word:?}"))?
            }
            other => return Err(format!("expected a property to order by, found {other:?}")),
        };
        parser.at += 1;
        let descending = if parser.eat_keyword("desc") {
            true
        } else {
            parser.eat_keyword("asc");
            false
        };
        query.order = Some((prop, descending));
    }
    match parser.peek() {
        None => Ok(query),
        Some(extra) => Err(format!("unexpected {extra:?} at the end")),
    }
}

/// A value bound into the SQL.
pub type Param = rusqlite::types::Value;

impl Query {
    /// `WHERE …` (or nothing) and the values it binds.
    pub fn where_sql(&self) -> (String, Vec<Param>) {
        let mut params = Vec::new();
        match &self.filter {
            Some(expr) => {
                let sql = expr_sql(expr, &mut params);
                (format!("WHERE {sql}"), params)
            }
            None => (String::new(), params),
        }
    }

    /// `ORDER BY …`: the requested property (creation order by default), then the uuid.
    pub fn order_sql(&self) -> String {
        let (prop, descending) = self.order.unwrap_or((Prop::Created, false));
        let direction = if descending { "DESC" } else { "ASC" };
        format!("ORDER BY {} {direction}, uuid ASC", prop.column())
    }
}

fn expr_sql(expr: &Expr, params: &mut Vec<Param>) -> String {
    match expr {
        Expr::And(a, b) => format!("({} AND {})", expr_sql(a, params), expr_sql(b, params)),
        Expr::Or(a, b) => format!("({} OR {})", expr_sql(a, params), expr_sql(b, params)),
        Expr::Cond(prop, op, literal) => {
            params.push(match literal {
                Literal::Text(text) => Param::Text(text.clone()),
                Literal::Number(n) => Param::Integer(*n),
                Literal::Bool(b) => Param::Integer(i64::from(*b)),
            });
            let n = params.len();
            let column = prop.column();
            match op {
                Op::Contains => format!("ug_contains({column}, ?{n})"),
                Op::Eq => format!("{column} = ?{n}"),
                Op::Lt => format!("{column} < ?{n}"),
                Op::Gt => format!("{column} > ?{n}"),
                Op::Le => format!("{column} <= ?{n}"),
                Op::Ge => format!("{column} >= ?{n}"),
            }
        }
    }
}

/// `contains`: whether a word of `text` is `needle` (ignoring case), or begins with it when it
/// ends in `*`. Words are runs of letters and digits.
pub fn contains_word(text: &str, needle: &str) -> bool {
    let (needle, prefix) = match needle.strip_suffix('*') {
        Some(stem) => (stem.to_lowercase(), true),
        None => (needle.to_lowercase(), false),
    };
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .any(|word| {
            if prefix {
                word.starts_with(&needle)
            } else {
                word == needle
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cond(prop: Prop, op: Op, literal: Literal) -> Expr {
        Expr::Cond(prop, op, literal)
    }

    fn text(s: &str) -> Literal {
        Literal::Text(s.into())
    }

    #[test]
    fn the_documented_example_parses() {
        let query = parse("select * where name contains 'ann*' order by created desc").unwrap();
        assert_eq!(
            query.filter,
            Some(cond(Prop::Name, Op::Contains, text("ann*")))
        );
        assert_eq!(query.order, Some((Prop::Created, true)));
        assert_eq!(query.order_sql(), "ORDER BY created DESC, uuid ASC");
    }

    #[test]
    fn and_binds_tighter_than_or_and_parentheses_group() {
        let a = || cond(Prop::Username, Op::Eq, text("a"));
        let b = || cond(Prop::Disabled, Op::Eq, Literal::Bool(true));
        let c = || cond(Prop::Created, Op::Gt, Literal::Number(5));
        let flat = parse("username = 'a' or disabled = true and created > 5").unwrap();
        assert_eq!(
            flat.filter,
            Some(Expr::Or(
                Box::new(a()),
                Box::new(Expr::And(Box::new(b()), Box::new(c())))
            ))
        );
        let grouped = parse("where (username = 'a' or disabled = true) and created > 5").unwrap();
        assert_eq!(
            grouped.filter,
            Some(Expr::And(
                Box::new(Expr::Or(Box::new(a()), Box::new(b()))),
                Box::new(c())
            ))
        );
        let (sql, params) = grouped.where_sql();
        assert_eq!(
            sql,
            "WHERE ((username = ?1 OR disabled = ?2) AND created > ?3)"
        );
        assert_eq!(
            params,
            [
                Param::Text("a".into()),
                Param::Integer(1),
                Param::Integer(5)
            ]
        );
    }

    #[test]
    fn quotes_are_escaped_inside_strings_never_read_as_syntax() {
        let query = parse(r"name contains 'o\'brien*' or email = 'it''s'").unwrap();
        assert_eq!(
            query.filter,
            Some(Expr::Or(
                Box::new(cond(Prop::Name, Op::Contains, text("o'brien*"))),
                Box::new(cond(Prop::Email, Op::Eq, text("it's")))
            ))
        );
        // An attempt to break out of a string stays inside it.
        let injected = parse(r"name = '\' or 1=1 --'").unwrap();
        assert_eq!(
            injected.filter,
            Some(cond(Prop::Name, Op::Eq, text("' or 1=1 --")))
        );
    }

    #[test]
    fn where_select_and_order_are_optional() {
        assert_eq!(parse("").unwrap(), Query::default());
        assert_eq!(parse("select *").unwrap(), Query::default());
        assert_eq!(
            parse("order by username").unwrap().order,
            Some((Prop::Username, false))
        );
        assert!(parse("activated = false").unwrap().filter.is_some());
        assert_eq!(
            parse("SELECT * WHERE modified <= -3 ORDER BY email ASC")
                .unwrap()
                .order,
            Some((Prop::Email, false))
        );
    }

    #[test]
    fn what_it_cannot_read_is_an_error() {
        for bad in [
            "select name",
            "where",
            "name = ",
            "name == 'x'",
            "password = 'x'",
            "name = 'unclosed",
            "name = 'x' and",
            "(name = 'x'",
            "name = 'x')",
            "created contains '1'",
            "disabled > true",
            "name = 5",
            "created = 'yesterday'",
            "order created",
            "order by shoe",
            "name = 'x' order by created sideways",
            "name = 'x'; drop table ug_users",
            "1 = 1",
            "' or 1=1",
            "created = 99999999999999999999",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        let deep = format!("{}name = 'x'{}", "(".repeat(40), ")".repeat(40));
        assert!(parse(&deep).unwrap_err().contains("nest"));
        let many = vec!["name = 'x'"; 65].join(" or ");
        assert!(parse(&many).is_err());
    }

    #[test]
    fn contains_matches_whole_words_or_their_beginnings_ignoring_case() {
        assert!(contains_word("Anna Rossi", "ann*"));
        assert!(!contains_word("Anna Rossi", "ann"));
        assert!(contains_word("Anna Rossi", "ROSSI"));
        assert!(contains_word("anna.rossi17@example.com", "example"));
        assert!(
            !contains_word("Joanna", "ann*"),
            "a word's beginning, not its middle"
        );
        assert!(contains_word("Ľubomír Šimko", "šim*"));
        assert!(!contains_word("", "*"));
    }
}

//! `#[derive(LabelSet)]`: a struct whose fields are label values; field name = label name.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::common::{only_const_generics, reject_unknown_option, runtime_path, string_value};
use crate::errors::Errors;
use metricsmith_naming::{check_label_name, RenameAs};

struct Field<'a> {
    member: &'a syn::Ident,
    ty: &'a syn::Type,
    label_name: String,
}

pub(crate) fn derive(input: syn::DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let ident = &input.ident;
    let mut runtime_override = None;
    for attr in input.attrs.iter().filter(|attr| attr.path().is_ident("label")) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("crate") {
                runtime_override = Some(meta.value()?.parse::<syn::Path>()?);
            } else {
                reject_unknown_option(&mut errors, &meta, "`#[label]` on a label set", &["crate"])?;
            }
            Ok(())
        });
        errors.ok(result);
    }
    let runtime = runtime_path(runtime_override.as_ref());

    let named = match &input.data {
        syn::Data::Struct(syn::DataStruct { fields: syn::Fields::Named(named), .. }) => named,
        syn::Data::Struct(data) => {
            errors.error(&data.fields, format!("`LabelSet` needs named fields, because each field's name is its label's name: write `struct {ident} {{ outcome: Outcome, .. }}`"));
            return placeholder(&input, &runtime, &errors);
        }
        _ => {
            errors.error(ident, format!("`LabelSet` can only be derived for a struct of label values, and `{ident}` is not a struct: for an enum of values derive `LabelValue`"));
            return placeholder(&input, &runtime, &errors);
        }
    };
    if !input.generics.params.is_empty() {
        errors.error(
            &input.generics,
            format!(
                "`LabelSet` cannot be derived for generic struct `{ident}`: name the label types directly"
            ),
        );
        return placeholder(&input, &runtime, &errors);
    }
    if named.named.is_empty() {
        errors
            .error(ident, format!("label set `{ident}` has no fields: use `()` for a metric without labels"));
        return placeholder(&input, &runtime, &errors);
    }

    let fields = collect_fields(ident, named, &mut errors);
    let expansion = expand(ident, &runtime, &fields);
    let compile_errors = errors.to_compile_errors();
    quote!(#expansion #compile_errors)
}

/// The errors, with a `LabelSet` impl of no series for a type whose derive failed, so
/// its uses as a metric's labels add no follow-on errors (the build fails anyway).
/// Types with type or lifetime parameters get none (it would need bounds of its own).
fn placeholder(input: &syn::DeriveInput, runtime: &TokenStream, errors: &Errors) -> TokenStream {
    let compile_errors = errors.to_compile_errors();
    if !only_const_generics(&input.generics) {
        return compile_errors;
    }
    let ident = &input.ident;
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics #runtime::LabelSet for #ident #type_generics #where_clause {
            const CARDINALITY: ::core::primitive::usize = 0;
            const LABEL_COUNT: ::core::primitive::usize = 0;
            fn index(&self) -> ::core::primitive::usize {
                0
            }
            fn from_index(_: ::core::primitive::usize) -> ::core::option::Option<Self> {
                ::core::option::Option::None
            }
            fn label_names(_: &mut #runtime::__private::Vec<&'static ::core::primitive::str>) {}
            fn label_values(_: ::core::primitive::usize, _: &mut #runtime::__private::Vec<&'static ::core::primitive::str>) {}
        }
        #compile_errors
    }
}

fn collect_fields<'a>(set: &syn::Ident, named: &'a syn::FieldsNamed, errors: &mut Errors) -> Vec<Field<'a>> {
    let mut fields: Vec<Field> = Vec::new();
    for field in &named.named {
        let Some(member) = field.ident.as_ref() else { continue };
        let mut rename = None;
        for attr in field.attrs.iter().filter(|attr| attr.path().is_ident("label")) {
            let result = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("name") {
                    rename = Some(string_value(&meta)?);
                } else {
                    reject_unknown_option(errors, &meta, "field `#[label]`", &["name"])?;
                }
                Ok(())
            });
            errors.ok(result);
        }
        let (label_name, name_span) = match &rename {
            Some(literal) => (literal.value(), literal.span()),
            // `r#type` names the label `type`.
            None => (member.to_string().trim_start_matches("r#").to_owned(), member.span()),
        };
        if let Some(problem) = check_label_name(&label_name, &set.to_string()) {
            let hint = if rename.is_none() {
                "; or keep the field and set the label's name with `#[label(name = \"...\")]`"
            } else {
                ""
            };
            errors.error_at(name_span, format!("{}{hint}", problem.render(RenameAs::Name)));
        }
        if fields.iter().any(|earlier| earlier.label_name == label_name) {
            errors.error_at(
                name_span,
                format!("label `{label_name}` appears twice in label set `{set}`: each label name must be unique, rename one with `#[label(name = \"...\")]`"),
            );
        }
        fields.push(Field { member, ty: &field.ty, label_name });
    }
    fields
}

fn expand(ident: &syn::Ident, runtime: &TokenStream, fields: &[Field]) -> TokenStream {
    // Every use of a field's type goes through one `<Type as LabelValue>` path spanned
    // on the type, so a type that is not a label value is reported once, on the field
    // (rustc does not repeat an unsatisfied bound at the same span).
    let label_values: Vec<TokenStream> = fields
        .iter()
        .map(|field| {
            let ty = field.ty;
            quote_spanned!(ty.span()=> <#ty as #runtime::LabelValue>)
        })
        .collect();
    let cardinalities: Vec<TokenStream> =
        label_values.iter().map(|label_value| quote!(#label_value::CARDINALITY)).collect();
    let members: Vec<_> = fields.iter().map(|field| field.member).collect();
    let names: Vec<_> = fields.iter().map(|field| &field.label_name).collect();
    let positions: Vec<_> = (0..fields.len()).collect();
    let count = fields.len();
    quote! {
        #[automatically_derived]
        impl #runtime::LabelSet for #ident {
            const CARDINALITY: ::core::primitive::usize = 1 #(* #cardinalities)*;
            const LABEL_COUNT: ::core::primitive::usize = #count;
            #[inline]
            fn index(&self) -> ::core::primitive::usize {
                let mut __index = 0;
                #(__index = __index * #cardinalities + #label_values::index(&self.#members);)*
                __index
            }
            fn from_index(__index: ::core::primitive::usize) -> ::core::option::Option<Self> {
                let __digits = #runtime::__private::__split_index(__index, [#(#cardinalities),*])?;
                ::core::option::Option::Some(Self {
                    #(#members: #label_values::from_index(__digits[#positions])?,)*
                })
            }
            fn label_names(__out: &mut #runtime::__private::Vec<&'static ::core::primitive::str>) {
                #(__out.push(#names);)*
            }
            fn label_values(__index: ::core::primitive::usize, __out: &mut #runtime::__private::Vec<&'static ::core::primitive::str>) {
                if let ::core::option::Option::Some(__digits) = #runtime::__private::__split_index(__index, [#(#cardinalities),*]) {
                    #(__out.push(#label_values::VALUES.get(__digits[#positions]).copied().unwrap_or(""));)*
                }
            }
        }
    }
}

"""The shop's writes, one function per state change, in modules named by what they do.

- `listings`: products offered for sale, the registry's devices under them, stock kept equal to those devices;
- `checkout`: the buyer's choices for a basket, shipping methods, placing the order (stock rows locked);
- `payments`: card authorisation and capture (Stripe), cancelled authorisations, reconciliation, paid orders;
- `orders`: after the sale — payments on invoice, devices bound to lines, statuses, cancellation, withdrawal;
- `organisations`: the buyer organisation's profile and its verification by staff;
- `quotes`: quote requests (beyond today's stock), answers line by line, their PDF, acceptance as an order;
- `invoices`: invoices and credit notes of each seller, numbered without gaps, issued at payment or delivery,
  their payments and reminders (the Factur-X files are `shop.einvoice`'s);
- `approvals`: an approver confirms or refuses an organisation's order above its threshold;
- `attestations`: the reuse attestations (loi AGEC) of a buyer's year of purchases from a seller.

Reads are in `shop.selectors`, e-mails in `shop.emails`. The refusals below carry a message that says which
rule stopped the step.
"""

from django.core.exceptions import ValidationError


class CheckoutRefused(Exception):
    """A checkout that cannot go on; the message is for the buyer."""


class AfterSaleRefused(ValidationError):
    """A step that cannot be taken now; the message says why, for staff or buyer."""

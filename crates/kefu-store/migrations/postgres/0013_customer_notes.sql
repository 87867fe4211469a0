-- What the centre keeps in mind about a customer, as free text: the 备注
-- column every dealer's customer sheet has, and what agents add.
ALTER TABLE customers ADD COLUMN notes TEXT;
